package main

import "context"

func runArchive(ctx context.Context, e *env, args []string) error { return notYet("archive") }
