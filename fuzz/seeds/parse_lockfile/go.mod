Kmodule example.com/app

go 1.21

require github.com/aws/aws-lambda-go v1.41.0

require (
	github.com/aws/aws-sdk-go v1.44.0
	golang.org/x/net v0.0.0-20220722155237-a158d28d115b // indirect
	example.com/forked v1.0.0
	example.com/local v0.1.0
	example.com/pinned v1.2.3
)

replace example.com/forked => github.com/someone/forked v1.0.1

replace (
	example.com/local => ../local
	example.com/pinned v1.2.3 => example.com/pinned v1.2.4
	example.com/pinned v9.9.9 => example.com/pinned v9.9.10
)

exclude github.com/aws/aws-sdk-go v1.43.0
