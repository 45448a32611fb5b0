package s3_test

import (
	"fmt"

	"linghang/storage/s3"
)

func ExampleParseURL() {
	cfg, err := s3.ParseURL("s3://archive/linghang?endpoint=127.0.0.1:7070&tls=false&timeout=45s")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Bucket, cfg.Prefix, cfg.Endpoint, cfg.Secure, cfg.Timeout)
	fmt.Println(cfg)
	// Output:
	// archive linghang/ 127.0.0.1:7070 false 45s
	// http://127.0.0.1:7070/archive/linghang/
}
