package verify_test

import (
	"fmt"

	"github.com/onebrc/onebrc/verify"
)

func ExampleFormat() {
	var a, b verify.Stats
	for _, v := range []int64{-1, -2} { // -0.1 and -0.2: mean -0.15
		a.Add(v)
	}
	b.Add(999)
	fmt.Print(string(verify.Format([]verify.Station{{Name: "Zürich", Stats: a}, {Name: "Abha", Stats: b}})))
	// Output: {Abha=99.9/99.9/99.9, Zürich=-0.2/-0.1/-0.1}
}

func ExampleMean() {
	fmt.Println(verify.Mean(-3, 2), verify.Mean(-1, 2), verify.Mean(1, 2))
	// Output: -1 0 1
}

func ExampleCompare() {
	r, _ := verify.Compare([]byte("{a=1.0/1.0/1.0, b=2.0/2.0/2.0}\n"), []byte("{a=1.0/1.5/1.0}\n"))
	fmt.Println(r)
	// Output:
	// output differs (expected 2 stations, read 1)
	//   1 missing stations: "b"
	//   1 stations with wrong values (min/mean/max):
	//     "a": want 1.0/1.0/1.0, got 1.0/1.5/1.0
}
