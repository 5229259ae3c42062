//! In-app notices to the users a change concerns.

use crate::secrets::new_id;
use crate::{App, AppError, Role};
use jianguan_store::entity::{notification, user};
use jianguan_store::{queries, rows};

/// In-app notices to a county's users of some roles (and a contractor's own users).
pub(crate) async fn notify(
    app: &App,
    tx: &jianguan_store::WriteTx,
    county: &str,
    who: impl Fn(&user::Model) -> bool,
    title: String,
    body: String,
    link: String,
) -> Result<(), AppError> {
    let users = queries::users(app.store.reader(), &jianguan_store::Scope::county(county)).await?;
    for u in users.iter().filter(|u| !u.disabled && who(u)) {
        rows::insert(
            tx.conn(),
            notification::Model {
                id: new_id(),
                user_id: u.id.clone(),
                county_code: county.into(),
                finding_key: None,
                title: title.clone(),
                body: body.clone(),
                link: Some(link.clone()),
                created_at: app.now(),
                read_at: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Whether a user is the county's supervising staff (inspectors and the responsible
/// person), as recipients of a notice.
pub(crate) fn is_staff(u: &user::Model) -> bool {
    Role::parse(&u.role).is_some_and(Role::supervises)
}
