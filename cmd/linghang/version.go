package main

import (
	"context"
	"fmt"
)

func runVersion(ctx context.Context, e *env, args []string) error {
	_, err := fmt.Fprintln(e.stdout, "linghang", version)
	return err
}
