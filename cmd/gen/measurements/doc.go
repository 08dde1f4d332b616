// Package measurements writes 1BRC measurements files fast and
// deterministically, together with their exact expected answer.
//
// [Write] streams Options.Rows lines "<name>;<value>\n" to an io.Writer and
// returns the answer ("{name=min/mean/max, ...}\n") formatted by package
// verify from integer aggregates kept while generating, so any file can be
// checked without trusting a solution. [WriteFile] does the same into a file
// (through path+".tmp", renamed at the end) and writes the answer beside it
// (see [OutPath]); it refuses to clobber an existing file unless forced and
// checks free disk space first. [ParseRows] reads row counts such as "1e9",
// "1B", "10M" or "1_000_000".
//
// # Station sets
//
// "classic" is the 413 stations of the original challenge with their mean
// temperatures (embedded data/stations413.csv). A row picks a station
// uniformly at random.
//
// "10k" is 10,000 distinct names built the way the challenge's 10K key set
// is (CreateMeasurements3.java): the names of embedded
// data/weather_stations.csv are concatenated into one stream of characters,
// and each station takes the next n characters, where n = int(4 + 2500·(u −
// 0.372)^7) for a uniform u. Most names are 3–5 characters long and about
// one in six is longer than 16, up to 100 bytes. A leading or trailing space
// is replaced by the stream's next non-space character, a name longer than
// 100 bytes loses characters at its end, and a name already taken gets a
// random character replaced until it is new. Names are cut only between
// characters, so they are valid UTF-8; they never hold ';' or '\n'. The
// i-th station's mean is 30·cos(latitude) − 10 degrees, from the latitude of
// the file's i-th row, so it lies in [-10, 20]. The name set depends on the
// seed and is the same for every row count.
//
// "numbered" is 10,000 stations named "00000" to "09999", station i with
// the 10k set's i-th mean. Its names differ from each other in a few bytes
// in a regular way, which a hash that is a linear function of the name's
// bytes sends to few slots: it is there to measure that (see
// solutions/19-robust-hash).
//
// # Values
//
// A value is a normal variate with the station's mean and a standard
// deviation of 10 (classic) or 7 (10k, numbered) degrees, rounded half up to a tenth,
// as the original's Math.round(x*10)/10, and clamped to [-99.9, 99.9]. It is
// printed with exactly one decimal and never as "-0.0". Means are kept in
// hundredths of a degree (all classic means are exact; the 10k means are
// rounded to the nearest hundredth). The rounded variate is drawn from an
// alias table of the exact discrete distribution of round(σ·Z + mean), built
// from the normal CDF over ±10σ (the mass outside is below 2^-64), so every
// value has the right probability to about 1e-16.
//
// # Determinism
//
// Rows are generated in blocks of [BlockRows]; block b draws from a
// wyrand generator seeded from (Seed, b), and blocks are written in order.
// The same Rows, Stations and Seed therefore give a byte-identical file for
// any number of workers, on any machine with IEEE-754 float64 (the tables are
// built with the math package).
//
// # Attribution
//
// data/weather_stations.csv is adapted from the simplemaps world cities
// database (https://simplemaps.com/data/world-cities), licensed under
// Creative Commons Attribution 4.0
// (https://creativecommons.org/licenses/by/4.0/); its header lines say so
// and are kept. data/stations413.csv holds the 413 stations of the original
// One Billion Row Challenge (https://github.com/gunnarmorling/1brc), from
// Wikipedia's list of cities by average temperature.
package measurements
