//! Drawing a presentation as a QR code: a module matrix the phone draws
//! natively, PNG bytes and SVG text.
//!
//! Presentation texts (`BST1:` + base45, `BST0:` + token) use only the QR
//! alphanumeric alphabet, so they are encoded in alphanumeric mode (5.5
//! bits a character instead of 8). Error correction M survives a scratched
//! or glared screen; the quiet zone of 4 modules is part of the matrix,
//! so every renderer draws the same margin.

use std::io::Cursor;

use qrcode::bits::Bits;
use qrcode::canvas::Canvas;
use qrcode::ec::construct_codewords;
use qrcode::{EcLevel, Version};

use super::qr_mask::best_masked;

use crate::error::{Error, Result};

/// The blank border readers need around the code, in modules (ISO/IEC 18004).
pub const QUIET_ZONE: u32 = 4;

/// The characters QR alphanumeric mode can carry.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// A rendered QR code, quiet zone included.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// The QR version (1–40): 21 + 4 × (version − 1) modules a side.
    pub version: u8,
    /// Modules a side, the quiet zone on both sides included.
    pub size: u32,
    /// Row-major, `size × size`; true = dark module.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` (QR alphanumeric characters only) with error
    /// correction M in the smallest version that holds it.
    pub fn encode(text: &str) -> Result<Self> {
        if text.is_empty() {
            return Err(Error::invalid_input("a QR code needs some text"));
        }
        if let Some(bad) = text.bytes().find(|b| !ALPHANUMERIC.contains(b)) {
            return Err(Error::invalid_input(format!(
                "presentation text must be QR alphanumeric; found byte 0x{bad:02x}"
            )));
        }
        let (version, modules) = smallest_alphanumeric(text.as_bytes())?;
        let inner = 17 + 4 * version as u32;
        let size = inner + 2 * QUIET_ZONE;
        let mut dark = vec![false; (size * size) as usize];
        for (i, is_dark) in modules.into_iter().enumerate() {
            if is_dark {
                let (x, y) = (i as u32 % inner, i as u32 / inner);
                dark[((y + QUIET_ZONE) * size + x + QUIET_ZONE) as usize] = true;
            }
        }
        Ok(Self {
            version,
            size,
            dark,
        })
    }

    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        x < self.size && y < self.size && self.dark[(y * self.size + x) as usize]
    }

    /// A grayscale PNG, `scale` pixels a module (at least 1).
    pub fn png(&self, scale: u32) -> Result<Vec<u8>> {
        let scale = scale.max(1);
        let side = self.size * scale;
        let image = image::GrayImage::from_fn(side, side, |x, y| {
            if self.is_dark(x / scale, y / scale) {
                image::Luma([0])
            } else {
                image::Luma([255])
            }
        });
        let mut bytes = Cursor::new(Vec::new());
        image
            .write_to(&mut bytes, image::ImageFormat::Png)
            .map_err(|e| Error::storage(format!("QR code PNG: {e}")))?;
        Ok(bytes.into_inner())
    }

    /// An SVG document, one unit a module; dark modules are one path, so
    /// the image stays small and scales without seams.
    pub fn svg(&self) -> String {
        let mut path = String::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {s} {s}\" \
             shape-rendering=\"crispEdges\"><rect width=\"{s}\" height=\"{s}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>",
            s = self.size
        )
    }

    /// Two modules a character cell (upper and lower half blocks), for a
    /// terminal: dark modules are drawn as spaces on a light background
    /// would be unreadable, so light is drawn and dark left blank.
    pub fn terminal_text(&self) -> String {
        let mut out = String::new();
        for y in (0..self.size).step_by(2) {
            for x in 0..self.size {
                let top = !self.is_dark(x, y);
                let bottom = y + 1 < self.size && !self.is_dark(x, y + 1);
                out.push(match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

/// One alphanumeric segment in the smallest normal version that holds
/// it: the version and its modules (no quiet zone), best mask applied.
fn smallest_alphanumeric(data: &[u8]) -> Result<(u8, Vec<bool>)> {
    for v in 1..=40 {
        let version = Version::Normal(v);
        let mut bits = Bits::new(version);
        // Mode (4 bits), character count, 11 bits a pair, 6 for a last one.
        let count_bits = match v {
            1..=9 => 9,
            10..=26 => 11,
            _ => 13,
        };
        let needed = 4 + count_bits + 11 * (data.len() / 2) + 6 * (data.len() % 2);
        if bits.max_len(EcLevel::M).map_or(true, |max| needed > max) {
            continue;
        }
        if bits.push_alphanumeric_data(data).is_err() || bits.push_terminator(EcLevel::M).is_err() {
            continue;
        }
        let (data, ec) = construct_codewords(&bits.into_bytes(), version, EcLevel::M)
            .map_err(|e| Error::invalid_input(format!("QR code: {e:?}")))?;
        let mut canvas = Canvas::new(version, EcLevel::M);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        return Ok((v as u8, best_masked(&canvas, version.width() as usize)));
    }
    Err(Error::invalid_input(format!(
        "{} characters do not fit a QR code at error correction M",
        data.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphanumeric_text_in_the_smallest_version_with_a_quiet_zone() {
        // Version 1-M holds 20 alphanumeric characters, version 2-M 38.
        let small = QrMatrix::encode("BST0:ABCDEFGHIJKLMNO").unwrap();
        assert_eq!(small.version, 1);
        assert_eq!(small.size, 21 + 2 * QUIET_ZONE);
        let bigger = QrMatrix::encode("BST0:ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap();
        assert_eq!(bigger.version, 2);
        for i in 0..bigger.size {
            assert!(!bigger.is_dark(i, 0) && !bigger.is_dark(0, i));
            assert!(!bigger.is_dark(i, bigger.size - 1));
        }
        // The finder pattern's corner sits just inside the quiet zone.
        assert!(bigger.is_dark(QUIET_ZONE, QUIET_ZONE));
    }

    #[test]
    fn text_outside_the_alphanumeric_set_is_refused() {
        assert!(matches!(
            QrMatrix::encode("bst1:lower"),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(
            QrMatrix::encode(""),
            Err(Error::InvalidInput { .. })
        ));
        let too_long = "A".repeat(5000);
        assert!(matches!(
            QrMatrix::encode(&too_long),
            Err(Error::InvalidInput { .. })
        ));
    }

    #[test]
    fn png_and_svg_draw_the_same_modules() {
        let matrix = QrMatrix::encode("BST1:HELLO WORLD").unwrap();
        let png = matrix.png(3).unwrap();
        let decoded = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(decoded.width(), matrix.size * 3);
        for y in 0..matrix.size {
            for x in 0..matrix.size {
                let pixel = decoded.get_pixel(x * 3 + 1, y * 3 + 1).0[0];
                assert_eq!(pixel == 0, matrix.is_dark(x, y));
            }
        }
        let svg = matrix.svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let path = svg.split(" d=\"").nth(1).unwrap();
        let dark_in_svg: u32 = path
            .split('"')
            .next()
            .unwrap()
            .split('h')
            .skip(1)
            .filter(|run| !run.starts_with('-'))
            .map(|run| run.split('v').next().unwrap().parse::<u32>().unwrap())
            .sum();
        assert_eq!(
            dark_in_svg as usize,
            matrix.dark.iter().filter(|d| **d).count()
        );
    }
}
