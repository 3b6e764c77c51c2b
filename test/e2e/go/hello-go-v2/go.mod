module example.test/acme/hello-go/v2

go 1.19
