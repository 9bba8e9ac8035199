// Command etcd is etcd's own server entry point, built here because etcd's release module
// holds only libraries; the tests store the API server's state in it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
