//! How server functions' answers and errors travel: JSON, which the browser
//! reads from text. Leptos reads the data it embeds in a page with
//! `serde_json::from_str`, while server_fn's own `Json` reads answers with
//! `from_slice`; the two readers are two copies of every deserializer in the
//! WebAssembly. Answers read the way the page's data is read keep one copy.

use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// JSON, written as bytes and read as UTF-8 text.
pub struct TextJsonEncoding;

/// A server function's answer (or error) as [`TextJsonEncoding`] in a POST.
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

/// Why an answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the answer is not UTF-8")]
    NotText,
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = DecodeError;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|_| DecodeError::NotText)?;
        Ok(serde_json::from_str(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, Refusal};

    #[test]
    fn answers_and_errors_read_back_as_written() {
        let written = TextJsonEncoding::encode(&vec!["fsn1".to_string()]).expect("encodes");
        let read: Vec<String> = TextJsonEncoding::decode(written).expect("decodes");
        assert_eq!(read, ["fsn1"]);
        let error = AppError(Refusal::Throttled(61));
        let written = TextJsonEncoding::encode(&error).expect("encodes");
        let read: AppError = TextJsonEncoding::decode(written).expect("decodes");
        assert_eq!(read, error);
    }

    /// A server function left on server_fn's default `Json` would bring the
    /// second reader, and a copy of its types' deserializers, back.
    #[test]
    fn every_server_function_answers_as_text_json() {
        fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir)
                .expect("app/src is readable")
                .flatten()
            {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    found.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut server_functions = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source is UTF-8");
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("#[server(prefix"))
            {
                server_functions += 1;
                assert!(
                    line.contains("output = crate::wire::TextJson"),
                    "{}: {line}",
                    file.display()
                );
            }
        }
        assert!(
            server_functions > 30,
            "found only {server_functions} server functions"
        );
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        let read: Result<String, _> = TextJsonEncoding::decode(Bytes::from_static(b"\"\xff\""));
        assert!(matches!(read, Err(DecodeError::NotText)));
    }
}
