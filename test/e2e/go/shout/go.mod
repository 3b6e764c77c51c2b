module example.test/Acme/Shout

go 1.19
