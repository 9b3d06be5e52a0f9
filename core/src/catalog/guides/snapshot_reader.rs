//! Reads a snapshot document guide by guide, so importing 20,000 guides
//! never holds them all in memory at once (a phone may kill an app whose
//! memory spikes): each guide is handed to a callback as soon as it parses.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::model::Guide;
use crate::error::Error;

/// Everything in the document but the guides.
#[derive(Debug, Default)]
pub(crate) struct SnapshotHeader {
    pub(crate) format: Option<u32>,
    pub(crate) cursor: Option<String>,
    pub(crate) generated_at: Option<String>,
}

/// Parses `{"format":…,"cursor":…,"generated_at":…,"guides":[…]}` in any
/// field order, calling `on_guide` for each guide. An error from the
/// callback stops the parse and is returned as it was.
pub(crate) fn read<R: std::io::Read>(
    reader: R,
    on_guide: &mut dyn FnMut(Guide) -> Result<(), Error>,
) -> Result<SnapshotHeader, ReadError> {
    let mut failure = None;
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let header = DocumentSeed {
        on_guide,
        failure: &mut failure,
    }
    .deserialize(&mut deserializer);
    if let Some(error) = failure {
        return Err(ReadError::Callback(error));
    }
    let header = header.map_err(ReadError::Json)?;
    deserializer.end().map_err(ReadError::Json)?;
    Ok(header)
}

pub(crate) enum ReadError {
    Json(serde_json::Error),
    Callback(Error),
}

struct DocumentSeed<'a> {
    on_guide: &'a mut dyn FnMut(Guide) -> Result<(), Error>,
    failure: &'a mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = SnapshotHeader;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = SnapshotHeader;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a catalog snapshot object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut header = SnapshotHeader::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => header.format = Some(map.next_value()?),
                "cursor" => header.cursor = Some(map.next_value()?),
                "generated_at" => header.generated_at = map.next_value()?,
                "guides" => map.next_value_seed(GuidesSeed {
                    on_guide: &mut *self.on_guide,
                    failure: &mut *self.failure,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(header)
    }
}

struct GuidesSeed<'a> {
    on_guide: &'a mut dyn FnMut(Guide) -> Result<(), Error>,
    failure: &'a mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for GuidesSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GuidesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of guides")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(guide) = seq.next_element::<Guide>()? {
            if let Err(e) = (self.on_guide)(guide) {
                *self.failure = Some(e);
                return Err(de::Error::custom("stopped by the import"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIDE: &str = r#"{"code":"GA001-530102","name":"居民身份证申领","item_type":"行政确认",
        "department_code":"530100-ga","department_name":"昆明市公安局","region_codes":["530102"],
        "audiences":["natural_person"],"themes":["出生"],"legal_basis":[],"conditions":[],
        "materials":[],"steps":[],"legal_time_limit_days":20,"promised_time_limit_days":10,
        "fees":[],"places":[],"online_depth":3,"visits_in_person":1,"booking":true,
        "courier_delivery":false,"revision":1}"#;

    #[test]
    fn guides_stream_in_any_field_order_and_a_callback_error_stops_the_read() {
        let doc = format!(r#"{{"guides":[{GUIDE},{GUIDE}],"extra":[1],"cursor":"c9","format":1}}"#);
        let mut seen = 0;
        let header = read(doc.as_bytes(), &mut |_| {
            seen += 1;
            Ok(())
        })
        .ok()
        .unwrap();
        assert_eq!(
            (seen, header.format, header.cursor.as_deref()),
            (2, Some(1), Some("c9"))
        );

        let stopped = read(doc.as_bytes(), &mut |_| Err(Error::invalid_input("no")));
        assert!(matches!(
            stopped,
            Err(ReadError::Callback(Error::InvalidInput { .. }))
        ));
        let cut = read(&doc.as_bytes()[..doc.len() / 2], &mut |_| Ok(()));
        assert!(matches!(cut, Err(ReadError::Json(_))));
    }
}
