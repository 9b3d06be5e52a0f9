//! Guide search checked against a brute-force substring scan of the same
//! guides (no false negatives in any query class), and ranking, filters,
//! snippets and paging on hand-picked cases.

mod common;

use std::collections::BTreeSet;

use banshitong_core::Client;
use banshitong_core::Error;
use banshitong_core::catalog::{
    Audience, BrowseBy, Guide, GuideFilters, MatchedIn, SearchHit, SearchRequest,
};
use common::*;
use pinyin::ToPinyin;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Every text the search covers, field by field (name, key, body).
fn fields(g: &Guide) -> [Vec<String>; 3] {
    let key = g
        .materials
        .iter()
        .map(|m| m.name.clone())
        .chain(g.conditions.iter().cloned())
        .collect();
    let mut body = vec![g.item_type.clone(), g.department_name.clone()];
    body.extend(g.themes.iter().cloned());
    body.extend(g.legal_basis.iter().cloned());
    for s in &g.steps {
        body.push(s.name.clone());
        body.push(s.description.clone());
    }
    for f in &g.fees {
        body.push(f.name.clone());
        body.push(f.basis.clone());
    }
    for p in &g.places {
        body.extend([&p.name, &p.address, &p.window, &p.hours, &p.phone].map(|t| t.clone()));
    }
    [vec![g.name.clone()], key, body]
}

fn contains(g: &Guide, word: &str) -> bool {
    fields(g).iter().flatten().any(|t| t.contains(word))
}

/// Codes of every result, walking all pages.
async fn all_results(client: &Client, query: &str) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut token = None;
    loop {
        let page = client
            .catalog()
            .search(SearchRequest {
                query: query.to_owned(),
                page_token: token,
                limit: 100,
                ..SearchRequest::default()
            })
            .await
            .unwrap();
        for hit in page.hits {
            assert!(codes.insert(hit.code), "no guide twice in one result list");
        }
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => return codes,
        }
    }
}

/// A random stretch of `len` Chinese characters from one of the guide texts.
fn stretch(rng: &mut StdRng, guides: &[Guide], len: usize) -> String {
    loop {
        let g = &guides[rng.random_range(0..guides.len())];
        let texts: Vec<String> = fields(g).into_iter().flatten().collect();
        let chars: Vec<char> = texts[rng.random_range(0..texts.len())].chars().collect();
        if chars.len() < len {
            continue;
        }
        let start = rng.random_range(0..=chars.len() - len);
        let piece = &chars[start..start + len];
        if piece.iter().all(|c| is_cjk(*c)) {
            return piece.iter().collect();
        }
    }
}

fn name_stretch(rng: &mut StdRng, guides: &[Guide], len: usize) -> String {
    loop {
        let chars: Vec<char> = guides[rng.random_range(0..guides.len())]
            .name
            .chars()
            .collect();
        if chars.len() >= len {
            let start = rng.random_range(0..=chars.len() - len);
            let piece = &chars[start..start + len];
            if piece.iter().all(|c| is_cjk(*c)) {
                return piece.iter().collect();
            }
        }
    }
}

async fn synced() -> (
    banshitong_server::TestServer,
    tempfile::TempDir,
    TestClient,
    Vec<Guide>,
) {
    let (server, dir) = catalog_server(1200).await;
    let t = client_for(&server.base_url());
    t.client.catalog().sync(None).await.unwrap();
    let guides = all_guides(&server).await;
    (server, dir, t, guides)
}

#[tokio::test]
async fn no_false_negatives_against_a_brute_force_scan() {
    let (_server, _dir, t, guides) = synced().await;
    let mut rng = StdRng::seed_from_u64(5);
    let mut checked = 0;
    // Chinese: 1, 2, 3-4 and 5+ characters, and two words.
    let mut queries: Vec<(String, Vec<String>)> = Vec::new();
    for len in [1, 2, 3, 4, 5, 7] {
        for _ in 0..40 {
            let q = stretch(&mut rng, &guides, len);
            queries.push((q.clone(), vec![q]));
        }
    }
    for _ in 0..40 {
        let (a, b) = (stretch(&mut rng, &guides, 2), stretch(&mut rng, &guides, 3));
        queries.push((format!("{a} {b}"), vec![a, b]));
    }
    for (query, words) in &queries {
        let expected: BTreeSet<String> = guides
            .iter()
            .filter(|g| words.iter().all(|w| contains(g, w)))
            .map(|g| g.code.clone())
            .collect();
        let found = all_results(&t.client, query).await;
        let missing: Vec<_> = expected.difference(&found).collect();
        assert!(missing.is_empty(), "{query}: missing {missing:?}");
        checked += 1;
    }
    // Pinyin, full and initials, of stretches of names: every guide whose
    // name holds the stretch must be found.
    for _ in 0..60 {
        let len = rng.random_range(2..=4);
        let chinese = name_stretch(&mut rng, &guides, len);
        let readings: Vec<&str> = chinese
            .as_str()
            .to_pinyin()
            .map(|p| p.map_or("", |p| p.plain()))
            .collect();
        let full = readings.concat();
        let initials: String = readings.iter().filter_map(|r| r.chars().next()).collect();
        let expected: BTreeSet<String> = guides
            .iter()
            .filter(|g| g.name.contains(&chinese))
            .map(|g| g.code.clone())
            .collect();
        for query in [full, initials].into_iter().filter(|q| q.len() >= 3) {
            let found = all_results(&t.client, &query).await;
            let missing: Vec<_> = expected.difference(&found).collect();
            assert!(
                missing.is_empty(),
                "{query} ({chinese}): missing {missing:?}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 300, "{checked} queries checked");
}

async fn first_page(client: &Client, query: &str, prefer: Option<&str>) -> Vec<SearchHit> {
    client
        .catalog()
        .search(SearchRequest {
            query: query.to_owned(),
            prefer_region_code: prefer.map(str::to_owned),
            ..SearchRequest::default()
        })
        .await
        .unwrap()
        .hits
}

#[tokio::test]
async fn ranking_puts_names_first_then_materials_then_the_rest() {
    let (_server, _dir, t, guides) = synced().await;
    let client = &t.client;

    // Tiers never go backwards down a result list.
    for query in ["身份证", "户口簿", "营业执照", "社保", "申请"] {
        let hits = all_results(client, query).await;
        assert!(!hits.is_empty(), "{query}");
        let page = first_page(client, query, Some("530102")).await;
        let tier = |m: MatchedIn| {
            if m == MatchedIn::NameStart {
                MatchedIn::Name
            } else {
                m
            }
        };
        assert!(
            page.windows(2)
                .all(|w| tier(w[0].matched_in) <= tier(w[1].matched_in)),
            "{query}"
        );
    }
    // A name that starts with the query beats one that merely contains it.
    let hits = first_page(client, "居民身份证", None).await;
    assert_eq!(hits[0].matched_in, MatchedIn::NameStart);
    assert!(hits[0].name.starts_with("居民身份证"));
    // 户口簿 is brought to many counters but named by few items: name hits
    // first, then guides that ask for it as a material, highlighted there.
    let hits = all_results(client, "户口簿").await.len();
    let page = client
        .catalog()
        .search(SearchRequest {
            query: "户口簿".into(),
            limit: 100,
            ..SearchRequest::default()
        })
        .await
        .unwrap();
    assert!(hits > 0);
    let material_hit = page
        .hits
        .iter()
        .find(|h| h.matched_in == MatchedIn::MaterialsOrConditions)
        .expect("a guide asking for 户口簿 as a material");
    assert!(
        material_hit
            .snippet
            .iter()
            .any(|s| s.highlighted && s.text.contains("户口簿"))
    );

    // The user's region first.
    let preferred = ["530102", "530100", "530000"];
    let query = guides
        .iter()
        .find(|g| preferred.contains(&g.region_codes[0].as_str()))
        .map(|g| g.name.clone())
        .unwrap();
    let hits = first_page(client, &query, Some("530102")).await;
    assert!(hits[0].in_preferred_region, "{query}");
    for h in hits.iter().filter(|h| h.in_preferred_region) {
        assert!(
            h.region_codes
                .iter()
                .any(|c| preferred.contains(&c.as_str()))
        );
    }

    // Pinyin and synonyms.
    for query in ["yyzz", "yingyezhizhao"] {
        let hits = first_page(client, query, None).await;
        assert!(
            hits[0].name.contains("营业执照"),
            "{query}: {}",
            hits[0].name
        );
        assert!(
            hits[0]
                .name_spans
                .iter()
                .any(|s| s.highlighted && s.text.contains("营业执照"))
        );
    }
    let hits = first_page(client, "shebao", None).await;
    assert!(
        hits.iter()
            .any(|h| h.name.contains("社会保") || h.name.contains("社保"))
    );
    let hits = all_results(client, "户口").await;
    let huji = all_results(client, "户籍").await;
    assert!(huji.is_subset(&hits), "户口 also finds 户籍");

    // Several words: every word somewhere.
    let hits = first_page(client, "营业执照 昆明", None).await;
    assert!(!hits.is_empty());
    for h in &hits {
        let guide = client
            .catalog()
            .offline_guide(h.code.clone())
            .await
            .unwrap()
            .unwrap();
        assert!(
            contains(&guide, "昆明") && contains(&guide, "营业执照"),
            "{}",
            h.code
        );
    }
}

#[tokio::test]
async fn filters_paging_browse_and_bad_input() {
    let (_server, _dir, t, guides) = synced().await;
    let catalog = t.client.catalog();
    let search = |filters: GuideFilters, query: &str| {
        let catalog = catalog.clone();
        let query = query.to_owned();
        async move {
            catalog
                .search(SearchRequest {
                    query,
                    filters,
                    limit: 100,
                    ..SearchRequest::default()
                })
                .await
                .unwrap()
                .hits
        }
    };
    let by_code = |code: &str| guides.iter().find(|g| g.code == code).unwrap().clone();

    let hits = search(
        GuideFilters {
            theme: Some("出生".into()),
            ..Default::default()
        },
        "",
    )
    .await;
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| by_code(&h.code).themes.contains(&"出生".to_owned()))
    );
    assert!(hits.iter().all(|h| h.matched_in == MatchedIn::Filters));

    let hits = search(
        GuideFilters {
            region_code: Some("530100".into()),
            ..Default::default()
        },
        "证",
    )
    .await;
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h.region_codes.iter().any(|c| c.starts_with("5301")))
    );

    let hits = search(
        GuideFilters {
            audience: Some(Audience::LegalPerson),
            min_online_depth: Some(3),
            ..Default::default()
        },
        "",
    )
    .await;
    assert!(!hits.is_empty());
    for h in &hits {
        let g = by_code(&h.code);
        assert!(g.audiences.contains(&Audience::LegalPerson) && g.online_depth >= 3);
    }

    // Paging: consecutive pages never overlap and cover the whole list.
    let mut seen = BTreeSet::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = catalog
            .search(SearchRequest {
                query: "证明".into(),
                page_token: token,
                limit: 7,
                ..Default::default()
            })
            .await
            .unwrap();
        pages += 1;
        for h in &page.hits {
            assert!(seen.insert(h.code.clone()));
        }
        match page.next_page_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    assert!(pages > 1);
    assert_eq!(
        seen.len(),
        guides.iter().filter(|g| contains(g, "证明")).count()
    );

    // Browse with counts.
    let departments = catalog.browse(BrowseBy::Department, None).await.unwrap();
    assert_eq!(
        departments.iter().map(|d| d.count).sum::<u64>(),
        guides.len() as u64
    );
    let themes = catalog
        .browse(BrowseBy::Theme, Some("530100".into()))
        .await
        .unwrap();
    assert!(themes.iter().any(|t| t.value == "开办" && t.count > 0));
    let regions = catalog.browse(BrowseBy::Region, None).await.unwrap();
    let province = regions.iter().find(|r| r.value == "530000").unwrap();
    assert_eq!(province.count, guides.len() as u64);
    assert_eq!(
        province.label, "云南省",
        "the first sync fetched the region names"
    );

    // Bad input is refused with a typed error.
    for request in [
        SearchRequest {
            limit: 101,
            ..Default::default()
        },
        SearchRequest {
            page_token: Some("nonsense".into()),
            ..Default::default()
        },
        SearchRequest {
            query: "长".repeat(101),
            ..Default::default()
        },
        SearchRequest {
            prefer_region_code: Some("kunming".into()),
            ..Default::default()
        },
    ] {
        let err = catalog.search(request).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    // Punctuation alone browses, it does not fail.
    assert!(!search(GuideFilters::default(), "，。！").await.is_empty());
}
