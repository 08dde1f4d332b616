// Command duckdb answers the 1BRC with DuckDB, the embedded analytical
// database a user would reach for instead of writing a program. It is the
// suite's reference row, not a step of the progression.
//
// DuckDB reads the file with its parallel CSV reader (';' as delimiter, no
// quoting or escaping, so names may hold any character but ';' and '\n'),
// turns each value into integer tenths by dropping its '.', and computes
// min, max, sum and count per name in SQL. The mean's rounding, the number
// format and the Java sort order come from package verify, like every step.
//
// It is its own Go module because it needs cgo and a prebuilt DuckDB
// library of about 1 GB from the module proxy (github.com/duckdb/duckdb-go/v2
// v2.10506.0; later versions do not download here). The conformance test
// and `make bench` include it only when asked: ONEBRC_CONFORMANCE_OWN_MODULES=1
// and `make bench WITH_DUCKDB=1`.
//
// Usage:
//
//	duckdb FILE
package main

import (
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/onebrc/onebrc/harness/profile"
	"github.com/onebrc/onebrc/verify"
)

func main() {
	stop := profile.Start()
	err := run(os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "duckdb:", err)
		os.Exit(1)
	}
}

// query aggregates integer tenths per name. The value column is read as
// text: replacing its '.' turns "-12.3" into "-123".
const query = `
SELECT name,
       min(t)   AS lo,
       max(t)   AS hi,
       sum(t)   AS total,
       count(*) AS n
FROM (
  SELECT name, CAST(replace(value, '.', '') AS INTEGER) AS t
  FROM read_csv(?, delim = ';', header = false, quote = '', escape = '',
                auto_detect = false, new_line = '\n', strict_mode = false,
                columns = {'name': 'VARCHAR', 'value': 'VARCHAR'})
)
GROUP BY name`

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: duckdb FILE")
	}
	path := args[0]
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		// DuckDB's CSV reader rejects an empty file; the answer is known.
		_, err := os.Stdout.Write(verify.Format(nil))
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("SET threads = %d", runtime.GOMAXPROCS(0))); err != nil {
		return fmt.Errorf("set threads: %w", err)
	}
	rows, err := db.Query(query, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer rows.Close()
	var stations []verify.Station
	for rows.Next() {
		var st verify.Station
		if err := rows.Scan(&st.Name, &st.Stats.Min, &st.Stats.Max, &st.Stats.Sum, &st.Stats.Count); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		stations = append(stations, st)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, strings.TrimSpace(err.Error()))
	}
	_, err = os.Stdout.Write(verify.Format(stations))
	return err
}
