package main

import "context"

func runFonts(ctx context.Context, e *env, args []string) error { return notYet("fonts") }
