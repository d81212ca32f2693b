from django.urls import URLPattern, URLResolver, path

from hrguard.cases import views

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="case_list"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/transition/", views.case_transition, name="case_transition"),
    path("<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("<int:case_id>/due-date/", views.case_due_date, name="case_due_date"),
    path("<int:case_id>/notes/", views.case_note, name="case_note"),
    path("<int:case_id>/steps/", views.step_add, name="step_add"),
    path("<int:case_id>/follow-up-consent/", views.follow_up_consent, name="follow_up_consent"),
    path("steps/<int:step_id>/result/", views.step_result, name="step_result"),
    path(
        "follow-up-consents/<int:consent_id>/withdraw/",
        views.follow_up_consent_withdraw,
        name="follow_up_consent_withdraw",
    ),
    path("checkpoints/<int:checkpoint_id>/", views.checkpoint_record, name="checkpoint_record"),
    path("from-alert/<int:alert_id>/open/", views.case_open, name="case_open"),
    path("from-alert/<int:alert_id>/dismiss/", views.alert_dismiss, name="alert_dismiss"),
    path("legal-aid/", views.legal_aid_list, name="legal_aid_list"),
    path("legal-aid/<int:provider_id>/", views.legal_aid_edit, name="legal_aid_edit"),
]
