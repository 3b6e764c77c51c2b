module example.test/consumer

go 1.19
