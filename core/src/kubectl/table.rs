//! kubectl's table layout: cells padded by a tabwriter with minwidth 6 and padding 3; the last
//! cell of a line is not padded (cli-runtime `tabwriter.go`), so a row whose last cell is empty
//! keeps the padding of the cell before it, exactly as kubectl prints it.

/// Renders rows (header first) as kubectl does, each line ending in `\n`.
pub fn render(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let width = (widths[i] + 3).max(6);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_like_tabwriter() {
        let rows = vec![
            vec!["NAME".to_string(), "STATUS".to_string(), "AGE".to_string()],
            vec![
                "default".to_string(),
                "Active".to_string(),
                "2d".to_string(),
            ],
        ];
        assert_eq!(
            render(&rows),
            "NAME      STATUS   AGE\ndefault   Active   2d\n"
        );
    }
}
