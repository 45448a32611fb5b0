package main

import "context"

func renderBadges(ctx context.Context, e *env, args []string) error {
	return notYet("render renderBadges")
}
