//! ASP.NET Core: which settings file decides a connection string in an
//! environment.

use crate::model::dotnet::AppSetting;

/// `ConnectionStrings:*` as the app sees them in `environment`:
/// `appsettings.{Environment}.json` over `appsettings.json`, keys compared
/// case-insensitively (learn.microsoft.com …/fundamentals/configuration).
pub fn effective_connection_strings(
    settings: &[AppSetting],
    app: &str,
    environment: &str,
) -> Vec<AppSetting> {
    let mut out: Vec<AppSetting> = Vec::new();
    let layers = [None, Some(environment)];
    for layer in layers {
        for s in settings.iter().filter(|s| {
            s.project == app
                && match (layer, &s.environment) {
                    (None, None) => true,
                    (Some(e), Some(f)) => e.eq_ignore_ascii_case(f),
                    _ => false,
                }
                && s.setting
                    .key
                    .value
                    .to_ascii_lowercase()
                    .starts_with("connectionstrings:")
        }) {
            let key = s.setting.key.value.to_ascii_lowercase();
            out.retain(|o| o.setting.key.value.to_ascii_lowercase() != key);
            out.push(s.clone());
        }
    }
    out
}
