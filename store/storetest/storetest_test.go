package storetest_test

import (
	"testing"

	"github.com/scimstack/scimstack/store"
	"github.com/scimstack/scimstack/store/memstore"
	"github.com/scimstack/scimstack/store/storetest"
)

// The kit must pass on the reference adapter; memstore runs it too, this
// keeps the kit's own package covered.
func TestRunMemstore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.UserStore { return memstore.New() })
}
