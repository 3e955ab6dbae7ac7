//! Measuring a phrase detector on its pinned corpus, for the tests of `crisis` and `fear`:
//! the same counting and the same printed line for each, so their rates read alike and are
//! computed alike.

/// What a detector did with a corpus.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Measured {
    pub caught: usize,
    pub of: usize,
    pub alarms: usize,
    pub others: usize,
}

fn rate(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

impl Measured {
    fn print(&self, name: &str) {
        eprintln!(
            "{name}: caught {} of {} ({:.1}%), false alarms {} of {} ({:.1}%)",
            self.caught,
            self.of,
            rate(self.caught, self.of),
            self.alarms,
            self.others,
            rate(self.alarms, self.others),
        );
    }
}

/// `detect` over rows it should flag and rows it should leave alone (each a list of
/// tables, known misses and false alarms included); prints the rates as `name`.
pub(crate) fn measure(
    name: &str,
    detect: fn(&str) -> bool,
    flagged: &[&[&str]],
    clean: &[&[&str]],
) -> Measured {
    let count = |tables: &[&[&str]]| -> (usize, usize) {
        let rows = tables.iter().flat_map(|t| t.iter());
        (rows.clone().filter(|t| detect(t)).count(), rows.count())
    };
    let ((caught, of), (alarms, others)) = (count(flagged), count(clean));
    let measured = Measured {
        caught,
        of,
        alarms,
        others,
    };
    measured.print(name);
    measured
}

/// `detect` over a held-back set of (should flag, text); prints each row it gets wrong and
/// the rates as `name`.
pub(crate) fn held_back(name: &str, detect: fn(&str) -> bool, rows: &[(bool, &str)]) -> Measured {
    let mut measured = Measured {
        caught: 0,
        of: 0,
        alarms: 0,
        others: 0,
    };
    for &(expected, text) in rows {
        let got = detect(text);
        if expected {
            measured.of += 1;
            measured.caught += usize::from(got);
        } else {
            measured.others += 1;
            measured.alarms += usize::from(got);
        }
        if got != expected {
            let what = if expected { "missed" } else { "false alarm" };
            eprintln!("{name}: {what} {text:?}");
        }
    }
    measured.print(name);
    measured
}
