package main

import "context"

func runSample(ctx context.Context, e *env, args []string) error { return notYet("sample") }
