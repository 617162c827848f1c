//! Go's text/tabwriter as kubectl configures it, so columns line up byte-for-byte.
//!
//! `kubectl get` uses minwidth 6, padding 3 and liggitt/tabwriter's RememberWidths (a column
//! never shrinks between flushes, which is what `get -w` rows show); `describe` uses minwidth 0,
//! padding 2. Cells are tab-terminated; the text after a line's last tab is not a cell and is
//! never padded. A column's width is decided per *block* of consecutive lines that have that
//! column, exactly as Go's algorithm does (this is why describe sections align separately).

#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    remember: bool,
    remembered: Vec<usize>,
}

impl TabWriter {
    /// The writer `kubectl get` uses.
    pub fn table() -> Self {
        TabWriter {
            minwidth: 6,
            padding: 3,
            remember: true,
            remembered: Vec::new(),
        }
    }
    /// The writer `kubectl describe` uses.
    pub fn describe() -> Self {
        TabWriter {
            minwidth: 0,
            padding: 2,
            remember: false,
            remembered: Vec::new(),
        }
    }

    /// Formats `text` (lines with `\t`-terminated cells) and returns the aligned text.
    pub fn format(&mut self, text: &str) -> String {
        let lines: Vec<Vec<&str>> = text
            .split_terminator('\n')
            .map(|l| l.split('\t').collect())
            .collect();
        let mut out = String::with_capacity(text.len() * 2);
        let mut widths = Vec::new();
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        out
    }

    fn block(
        &mut self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(text_width(lines[this][column]) + self.padding);
                this += 1;
            }
            if self.remember {
                if self.remembered.len() <= column {
                    self.remembered.resize(column + 1, 0);
                }
                width = width.max(self.remembered[column]);
                self.remembered[column] = width;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        write_lines(lines, line0, line1, widths, out);
    }
}

fn text_width(s: &str) -> usize {
    s.chars().count()
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                if let Some(w) = widths.get(j) {
                    let pad = w.saturating_sub(text_width(cell));
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        out.push('\n');
    }
}

/// A table of rows to print with `kubectl get`'s writer.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
    /// Tab-separated text (header first unless `no_headers`), for a TabWriter.
    pub fn to_tsv(&self, no_headers: bool) -> String {
        let mut s = String::new();
        if !no_headers {
            s.push_str(&self.headers.join("\t"));
            s.push('\n');
        }
        for r in &self.rows {
            s.push_str(&r.join("\t"));
            s.push('\n');
        }
        s
    }
    pub fn render(&self, no_headers: bool) -> String {
        TabWriter::table().format(&self.to_tsv(no_headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_columns_like_kubectl_get() {
        let mut t = Table::new(&["NAME", "READY", "AGE"]);
        t.push(vec!["web".into(), "0/3".into(), "8s".into()]);
        assert_eq!(t.render(false), "NAME   READY   AGE\nweb    0/3     8s\n");
    }

    #[test]
    fn describe_blocks_align_separately() {
        let text =
            "Name:\tweb-0\nService Account:\tdefault\nContainers:\n  nginx:\n    Image:\tx\n";
        let got = TabWriter::describe().format(text);
        assert_eq!(
            got,
            "Name:             web-0\nService Account:  default\nContainers:\n  nginx:\n    Image:  x\n"
        );
    }
}
