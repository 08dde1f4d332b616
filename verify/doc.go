// Package verify is the one definition of a correct 1BRC answer.
//
// It holds the integer statistics every solution keeps per station
// ([Stats]), the mean's rounding rule ([Mean]), the output format in Java
// String.compareTo order ([Format], [AppendFormat]), the comparison of an
// expected and an actual output with a report a person can act on
// ([Compare]), and a plain reference aggregator that validates its input and
// computes the expected output of any measurements file ([Aggregate],
// [AggregateFile]).
//
// # The rules
//
// A measurements file holds lines "<name>;<value>\n". A name is 1–100 bytes
// of valid UTF-8 without ';' or '\n'. A value matches -?\d{1,2}\.\d, so it
// lies in -99.9..99.9 and always has exactly one fractional digit. A file has
// at most [MaxStations] distinct names, and its last line may lack '\n'.
//
// Values are kept as integer tenths of a degree. The output is one line:
// "{" + entries joined by ", " + "}\n", where an entry is
// "name=min/mean/max", each number with exactly one decimal and a '-' only
// for negatives (never "-0.0"). The mean rounds half up, ties toward
// +infinity, as floorDiv(2*sum+count, 2*count) in tenths: -0.15 prints -0.1,
// -0.05 prints 0.0 and 0.05 prints 0.1. math.Round and "%.1f" both get these
// ties wrong. Entries are sorted by Java's String.compareTo, which compares
// UTF-16 code units; see [CompareNames].
package verify
