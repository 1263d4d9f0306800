use crate::helpers::*;

async fn invite(app: &TestApp, admin: &str, email: &str, role: &str) -> serde_json::Value {
    let overview = json(app.call("admin_overview", &[], Some(admin)).await).await;
    let org = overview["organisations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let response = app
        .call(
            "invite_member",
            &[("email", email), ("organisation", &org), ("role", role)],
            Some(admin),
        )
        .await;
    assert_eq!(response.status(), 200);
    json(response).await
}

fn token_of(invitation: &serde_json::Value) -> String {
    invitation["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn members_and_editors_cannot_reach_admin_functions() {
    let app = TestApp::spawn().await;
    for email in [MEMBER, EDITOR] {
        let cookie = app.sign_in(email, PASSWORD).await;
        let calls: [(&str, Vec<(&str, &str)>); 5] = [
            ("admin_overview", vec![]),
            (
                "create_organisation",
                vec![
                    ("name", "X"),
                    ("short_name", "X"),
                    ("country", "FR"),
                    ("kind", "member"),
                ],
            ),
            (
                "change_role",
                vec![("member", "whoever"), ("role", "admin")],
            ),
            (
                "set_member_active",
                vec![("member", "whoever"), ("active", "false")],
            ),
            (
                "invite_member",
                vec![
                    ("email", "x@example.org"),
                    ("organisation", "x"),
                    ("role", "admin"),
                ],
            ),
        ];
        for (name, form) in calls {
            let response = app.call(name, &form, Some(&cookie)).await;
            assert_eq!(response.status(), 403, "{email} calling {name}");
            assert_eq!(json(response).await["error"], "forbidden");
        }
        let page = app.get("/admin", Some(&cookie)).await;
        assert_eq!(page.status(), 403);
        assert!(page.text().await.unwrap().contains("Not allowed"));
    }
    // Nobody signed in at all:
    assert_eq!(app.call("admin_overview", &[], None).await.status(), 401);
}

#[tokio::test]
async fn an_admin_sees_and_manages_the_network() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let overview = json(app.call("admin_overview", &[], Some(&admin)).await).await;
    assert_eq!(overview["organisations"].as_array().unwrap().len(), 10);
    assert_eq!(overview["members"].as_array().unwrap().len(), 11);

    let created = app
        .call(
            "create_organisation",
            &[
                ("name", "Lisbon Youth Forum"),
                ("short_name", "LYF"),
                ("country", "pt"),
                ("kind", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(created.status(), 200);
    let duplicate = app
        .call(
            "create_organisation",
            &[
                ("name", "lisbon youth forum"),
                ("short_name", "LYF"),
                ("country", "PT"),
                ("kind", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(duplicate.status(), 422);
    assert_eq!(json(duplicate).await["problem"]["code"], "already_taken");
    let bad_country = app
        .call(
            "create_organisation",
            &[
                ("name", "Nowhere"),
                ("short_name", "N"),
                ("country", "XX"),
                ("kind", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(json(bad_country).await["field"], "country");

    let overview = json(app.call("admin_overview", &[], Some(&admin)).await).await;
    let zsofia = overview["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == MEMBER)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let me = overview["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == ADMIN)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Promote, then deactivate: the member's live session ends and sign-in is refused.
    let member_session = app.sign_in(MEMBER, PASSWORD).await;
    // Used once, so this instance keeps it: the changes below must still reach it at once.
    assert_eq!(
        app.get("/account", Some(&member_session)).await.status(),
        200
    );
    assert_eq!(
        app.call(
            "change_role",
            &[("member", &zsofia), ("role", "editor")],
            Some(&admin)
        )
        .await
        .status(),
        200
    );
    let bad_role = app
        .call(
            "change_role",
            &[("member", &zsofia), ("role", "owner")],
            Some(&admin),
        )
        .await;
    assert_eq!(bad_role.status(), 422);
    assert_eq!(
        app.call(
            "set_member_active",
            &[("member", &zsofia), ("active", "false")],
            Some(&admin)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.get("/account", Some(&member_session)).await.status(),
        302
    );
    let refused = app
        .call("login", &[("email", MEMBER), ("password", PASSWORD)], None)
        .await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        app.call(
            "set_member_active",
            &[("member", &zsofia), ("active", "true")],
            Some(&admin)
        )
        .await
        .status(),
        200
    );
    app.sign_in(MEMBER, PASSWORD).await;

    // Admins cannot demote or deactivate themselves.
    let own = app
        .call(
            "change_role",
            &[("member", &me), ("role", "member")],
            Some(&admin),
        )
        .await;
    assert_eq!(own.status(), 422);
    let unknown = app
        .call(
            "change_role",
            &[("member", "no-such-member"), ("role", "member")],
            Some(&admin),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_invitation_works_once() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let issued = invite(&app, &admin, "New.Person@Example.org", "editor").await;
    assert_eq!(issued["email"], "new.person@example.org");
    let token = token_of(&issued);

    let details = json(app.call("invitation", &[("token", &token)], None).await).await;
    assert_eq!(details["role"], "editor");

    let mismatch = app
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("name", "New Person"),
                ("password", "long enough words"),
                ("password_confirm", "different words!"),
            ],
            None,
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    assert_eq!(json(mismatch).await["field"], "password_confirm");

    let accepted = app
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("name", "  New   Person "),
                ("password", "long enough words"),
                ("password_confirm", "long enough words"),
            ],
            None,
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let cookie = session_cookie(&accepted).expect("signed in on acceptance");
    let page = app
        .get("/account", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("New Person"));

    let again = app
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("name", "Someone Else"),
                ("password", "long enough words"),
                ("password_confirm", "long enough words"),
            ],
            None,
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(json(again).await["problem"]["code"], "invitation_invalid");
    assert_eq!(
        app.call("invitation", &[("token", &token)], None)
            .await
            .status(),
        404
    );
    app.sign_in("new.person@example.org", "long enough words")
        .await;
}

#[tokio::test]
async fn existing_members_cannot_be_invited_again_and_invitations_can_be_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(ADMIN, PASSWORD).await;
    let overview = json(app.call("admin_overview", &[], Some(&admin)).await).await;
    let org = overview["organisations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let taken = app
        .call(
            "invite_member",
            &[
                ("email", MEMBER),
                ("organisation", &org),
                ("role", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(taken.status(), 422);
    let bad_org = app
        .call(
            "invite_member",
            &[
                ("email", "x@example.org"),
                ("organisation", "nope"),
                ("role", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(json(bad_org).await["field"], "organisation");

    let issued = invite(&app, &admin, "later@example.org", "member").await;
    let overview = json(app.call("admin_overview", &[], Some(&admin)).await).await;
    let pending = overview["invitations"].as_array().unwrap();
    assert_eq!(pending.len(), 1);
    let id = pending[0]["id"].as_str().unwrap();
    assert_eq!(
        app.call("revoke_invitation", &[("invitation", id)], Some(&admin))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call("invitation", &[("token", &token_of(&issued))], None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn invitation_pages_handle_bad_links() {
    let app = TestApp::spawn().await;
    let page = app.get("/invite/not-a-real-token", None).await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("cannot be used"));
}
