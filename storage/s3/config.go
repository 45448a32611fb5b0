package s3

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linghang/storage"
)

// Defaults of Config.
const (
	DefaultEndpoint = "s3.amazonaws.com"
	DefaultTimeout  = 30 * time.Second
	// DefaultMultipartThreshold is S3's limit for a single PUT. Up to it
	// every object goes up in one request, so create-only and if-match
	// conditions always reach the server; above it the multipart upload
	// is completed with the condition by this package.
	DefaultMultipartThreshold = 5 << 30
	// DefaultPartSize is the part size of multipart uploads.
	DefaultPartSize = 64 << 20
	// minRate is the slowest transfer rate still considered alive: each
	// call's deadline is Timeout plus the time to move the object at it.
	minRate = 1 << 20 // bytes per second
)

// Config says where the store lives and how patiently to talk to it.
type Config struct {
	Endpoint  string // host[:port]
	Secure    bool   // HTTPS
	Region    string
	Bucket    string
	Prefix    string // key prefix inside the bucket, "" or ending in "/"
	AccessKey string
	SecretKey string

	// Timeout bounds every call, retries included (plus the time to move
	// the object at 1 MiB/s). Zero means DefaultTimeout.
	Timeout time.Duration
	// LockMode is the object-lock mode used when PutOptions.RetainUntil is
	// set and the bucket has object lock: "GOVERNANCE" (default) or
	// "COMPLIANCE".
	LockMode string
	// MultipartThreshold and PartSize tune large uploads; zero means the
	// defaults.
	MultipartThreshold int64
	PartSize           int64
}

// ParseURL parses s3://bucket/prefix?endpoint=host:port&region=…&tls=false
// with the optional parameters timeout (a Go duration, e.g. 45s) and
// lock (governance or compliance). Credentials are not part of the URL.
func ParseURL(raw string) (Config, error) {
	bad := func(format string, a ...any) (Config, error) {
		return Config{}, fmt.Errorf("S3 存储地址 %q 无效：%s", raw, fmt.Sprintf(format, a...))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("%v", err)
	}
	if u.Scheme != "s3" {
		return bad("应以 s3:// 开头")
	}
	if u.User != nil {
		return bad("不要把凭据写进地址，请用环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY")
	}
	c := Config{Bucket: u.Host, Endpoint: DefaultEndpoint, Secure: true}
	if !validBucket(c.Bucket) {
		return bad("存储桶名 %q 不合规（3–63 个小写字母、数字、点或连字符）", c.Bucket)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		if err := storage.CheckKey(p); err != nil {
			return bad("前缀：%v", err)
		}
		c.Prefix = p + "/"
	}
	q := u.Query()
	for k := range q {
		switch k {
		case "endpoint", "region", "tls", "timeout", "lock":
		default:
			return bad("未知参数 %q（可用：endpoint、region、tls、timeout、lock）", k)
		}
	}
	if v := q.Get("endpoint"); v != "" {
		if strings.Contains(v, "://") {
			u2, err := url.Parse(v)
			if err != nil || u2.Host == "" {
				return bad("endpoint %q 不是 主机:端口", v)
			}
			c.Secure = u2.Scheme == "https"
			v = u2.Host
		}
		host, port, err := net.SplitHostPort(v)
		if err != nil {
			host, port = v, ""
		}
		if host == "" || strings.ContainsAny(host, "/?#@ ") {
			return bad("endpoint %q 不是 主机:端口", v)
		}
		if port != "" {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return bad("endpoint %q 的端口无效", v)
			}
		}
		c.Endpoint = v
	}
	c.Region = q.Get("region")
	if v := q.Get("tls"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return bad("tls=%q 应为 true 或 false", v)
		}
		c.Secure = b
	}
	if v := q.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return bad("timeout=%q 应为正的时长，如 30s、2m", v)
		}
		c.Timeout = d
	}
	if v := q.Get("lock"); v != "" {
		c.LockMode = strings.ToUpper(v)
	}
	if err := c.check(); err != nil {
		return bad("%v", err)
	}
	return c, nil
}

func (c *Config) check() error {
	switch c.LockMode {
	case "", "GOVERNANCE", "COMPLIANCE":
	default:
		return fmt.Errorf("对象锁定模式 %q 应为 governance 或 compliance", c.LockMode)
	}
	if c.Prefix != "" && !strings.HasSuffix(c.Prefix, "/") {
		c.Prefix += "/"
	}
	return nil
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return b[0] != '.' && b[0] != '-' && b[len(b)-1] != '.' && b[len(b)-1] != '-'
}

// String is the store's address for messages: the URL without secrets.
func (c Config) String() string {
	scheme := "https"
	if !c.Secure {
		scheme = "http"
	}
	return fmt.Sprintf("%s://%s/%s/%s", scheme, c.Endpoint, c.Bucket, c.Prefix)
}
