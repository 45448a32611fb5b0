package main

import "context"

func renderSignin(ctx context.Context, e *env, args []string) error {
	return notYet("render renderSignin")
}
