package main

import "context"

func renderRoster(ctx context.Context, e *env, args []string) error {
	return notYet("render renderRoster")
}
