package main

import "context"

func renderNotice(ctx context.Context, e *env, args []string) error {
	return notYet("render renderNotice")
}
