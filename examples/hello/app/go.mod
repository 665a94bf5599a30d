module example.com/deliverkit/hello

go 1.19
