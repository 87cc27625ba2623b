//! Errors in input files, rendered like a compiler's: message, file:line:column, the line, a caret, a hint.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the problem has no place in the file (unreadable, too large).
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub hint: Option<String>,
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// Places the diagnostic at `line:column` of `source`, keeping that line for display.
    pub fn at(mut self, source: &str, line: u64, column: u64) -> Diagnostic {
        self.line = line;
        self.column = column;
        self.source_line = line
            .checked_sub(1)
            .and_then(|i| source.lines().nth(i as usize))
            .map(|l| l.chars().take(200).collect());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:column`, or just the file when there is no position.
    pub fn place(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }
}

/// Text made safe for a terminal: control characters (C0 but newline and tab, DEL, C1) and the
/// bidirectional overrides are shown as escapes (`\x1b`, `\r`, `\u{202e}`), so a hostile server's
/// answer or a scenario's name cannot move the cursor, clear the screen, set the window title or
/// hide a line.
pub fn terminal_safe(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if (c as u32) < 0x20 => true,
        '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", terminal_safe(&self.message))?;
        writeln!(f, "  --> {}", terminal_safe(&self.place()))?;
        if let Some(line) = &self.source_line {
            let line = terminal_safe(line);
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {line}")?;
            let caret_at = " ".repeat(self.column.saturating_sub(1) as usize);
            writeln!(f, "{pad} | {caret_at}^")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {}", terminal_safe(hint))?;
        }
        Ok(())
    }
}

/// Several diagnostics, shown one after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_column() {
        let d = Diagnostic::new(Path::new("s.yaml"), "unknown field `expct`")
            .at("a: 1\n  expct: 2\n", 2, 3)
            .hint("did you mean `expect`?");
        insta::assert_snapshot!(d.to_string(), @r"
        error: unknown field `expct`
          --> s.yaml:2:3
          |
        2 |   expct: 2
          |   ^
          = hint: did you mean `expect`?
        ");
    }
}
