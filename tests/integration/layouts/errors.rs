//! A mapping that does not fit says which keys are wrong and what the table
//! holds instead; a history Waybill cannot read says why and what to do.

use waybill::domain::layout::{detect, Mapping};
use waybill::domain::TimelineFilter;
use waybill::error::Error;
use waybill::timeline;

use super::{open, open_plain, written_once};

#[tokio::test]
async fn wrong_names_are_each_named_with_what_is_there() {
    let name = written_once("ruby", "papertrail.rb", &[]);
    let conn = open(
        &name,
        "papertrail:item_type=Shipment,time=made_at,actor=who,actor_table=people",
    )
    .await;
    let e = timeline::page(conn.db(), "SHP-PT-1", &TimelineFilter::default(), None, 10)
        .await
        .unwrap_err();
    let Error::BadMapping { table, problems } = &e else {
        panic!("expected BadMapping, got {e:?}");
    };
    assert_eq!(table, "public.versions");
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("time: column `made_at` is not in public.versions; its columns are id, item_type"),
        "{problems:#?}"
    );
    assert!(problems[1].starts_with("actor: column `who`"), "{problems:#?}");
    assert_eq!(problems[2], "actor_table: there is no table `people`");
    assert_eq!(e.code(), "bad_mapping");

    // A table that is not there.
    let e = detect::check(
        open_plain(&name).await.db(),
        &Mapping::parse_spec("custom:table=audit_log,key=row_id,order=id").unwrap(),
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!("there is no table `audit_log` in database `{name}`")),
        "{e}"
    );

    // A key of the wrong shape is no record (not a failed cast).
    let conn = open(&name, "papertrail:item_type=Shipment").await;
    let e = timeline::page(conn.db(), "not-a-number", &TimelineFilter::default(), None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "shipment_not_found");
    assert!(e.to_string().starts_with("no shipment matches `not-a-number`"), "{e}");
}

#[tokio::test]
async fn papertrails_yaml_is_said_plainly_with_how_to_switch_to_json() {
    // PaperTrail's default serializer, in text columns: written by PaperTrail itself.
    let name = written_once("ruby", "papertrail.rb", &["yaml"]);
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    let shipments = found
        .iter()
        .find(|f| f.mapping.filter.get("item_type").map(String::as_str) == Some("Shipment"))
        .unwrap();
    let problem = shipments.problem.as_deref().unwrap_or_default();
    assert!(problem.contains("holds YAML"), "{problem}");
    assert!(problem.contains("PaperTrail::Serializers::JSON"), "{problem}");
    assert!(shipments.preview.is_none());

    let conn = open(&name, &shipments.spec).await;
    let e = timeline::page(conn.db(), "SHP-PT-1", &TimelineFilter::default(), None, 10)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "bad_mapping");
    assert!(e.to_string().contains("holds YAML"), "{e}");
}

#[test]
fn the_cli_names_a_bad_spec_and_a_bad_key() {
    let name = written_once("ruby", "papertrail.rb", &[]);
    let home = crate::common::home();
    let (code, _, err) = crate::common::waybill_cli(&name, home.path(), &["--history", "paper_trail", "shipments"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`paper_trail` is not a layout; use one of waybill, papertrail"),
        "{err}"
    );
    let (code, _, err) = crate::common::waybill_cli(
        &name,
        home.path(),
        &["--history", "papertrail:item_type=Shipment,colour=red", "shipments"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`colour` is not a key"), "{err}");
    let (code, _, err) = crate::common::waybill_cli(
        &name,
        home.path(),
        &["history", "check", "papertrail:item_type=Shipment,time=made_at"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("time: column `made_at` is not in public.versions"),
        "{err}"
    );
}
