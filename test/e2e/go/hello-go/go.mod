module example.test/acme/hello-go

go 1.19
