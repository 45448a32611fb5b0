package main

import "context"

func renderForm(ctx context.Context, e *env, args []string) error { return notYet("render renderForm") }

func renderForms(ctx context.Context, e *env, args []string) error {
	return notYet("render renderForms")
}
