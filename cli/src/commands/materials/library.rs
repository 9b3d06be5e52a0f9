//! `bst materials`: what the user can attach to a draft without uploading
//! anything — their materials (uploaded before, from any device) and the
//! electronic licences (电子证照) departments issued to them.

use banshitong_core::materials::Materials;

use super::render::{licence_line, material_line};
use crate::commands::Session;
use crate::output::{Style, print_json, with_spinner};

pub async fn run(session: &Session, materials: &Materials) -> anyhow::Result<()> {
    let library = with_spinner("reading the material library", materials.library())
        .await
        .map_err(|e| match e {
            e if e.is_network() => anyhow::Error::new(e)
                .context("the material library is kept by the platform, which cannot be reached"),
            e => e.into(),
        })?;
    if session.json {
        return print_json(&serde_json::json!({
            "mine": library.mine,
            "issued": library.issued,
        }));
    }
    let style = Style::for_stdout();
    println!(
        "{}",
        style.bold(&format!(
            "Uploaded by you (我的材料): {}",
            library.mine.len()
        ))
    );
    for material in &library.mine {
        println!("  {}", material_line(style, material));
    }
    if library.mine.is_empty() {
        println!("  none yet; `bst upload FILE` adds one");
    }
    println!(
        "\n{}",
        style.bold(&format!(
            "Issued to you (电子证照): {}",
            library.issued.len()
        ))
    );
    for licence in &library.issued {
        println!("  {}", licence_line(style, licence));
    }
    if library.issued.is_empty() {
        println!("  none");
    }
    println!(
        "\nattach one with `bst draft attach DRAFT_ID SLOT REF` (a material's id, or licence:TYPE:ID)"
    );
    Ok(())
}
