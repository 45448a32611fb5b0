package main

import "context"

func runRender(ctx context.Context, e *env, args []string) error { return notYet("render") }
