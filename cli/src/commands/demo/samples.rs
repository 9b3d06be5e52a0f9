//! The files the demo citizen attaches: a phone photo as a phone camera
//! makes it, and small scanned-document PDFs.

/// A photo taken with the phone held sideways: stored 1200×1600 with EXIF
/// orientation 6, GPS coordinates in its EXIF, an XMP packet and a comment.
pub const PHONE_PHOTO: &[u8] = include_bytes!("../../../assets/sideways-gps-photo.jpg");

/// A one-page PDF whose page says `title` (ASCII), with a correct
/// cross-reference table: what a scanning app would hand over, in small.
pub fn scan_pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| !matches!(c, '(' | ')' | '\\'))
        .collect();
    let content = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_is_a_pdf_whose_table_points_at_its_objects() {
        let pdf = scan_pdf("Articles (demo)");
        assert!(pdf.starts_with(b"%PDF-1.4\n") && pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.contains("(Articles demo) Tj"), "parentheses dropped");
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref\n0 6\n"));
        let third = text[start..].lines().nth(5).unwrap();
        let offset: usize = third[..10].parse().unwrap();
        assert!(text[offset..].starts_with("3 0 obj"), "{third}");
    }
}
