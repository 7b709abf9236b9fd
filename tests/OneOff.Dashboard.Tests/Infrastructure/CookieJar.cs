using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Infrastructure;

/// <summary>
/// Cookies kept by hand (a client built with <c>HandleCookies = false</c>), so that a test can copy a session's
/// cookies and replay them later, as a thief or a second tab would.
/// </summary>
internal sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    public CookieJar Copy()
    {
        var copy = new CookieJar();
        foreach (var (name, value) in _cookies)
        {
            copy._cookies[name] = value;
        }

        return copy;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, Dictionary<string, string>? form = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Keep(response);
        return response;
    }

    /// <summary>Signs in through the login form, keeping its cookies.</summary>
    public async Task<HttpResponseMessage> LogInAsync(HttpClient client, string userName, string password, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var page = await SendAsync(client, HttpMethod.Get, "/login", headers: headers);
        var token = DashboardApp.TokenOf(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await SendAsync(client, HttpMethod.Post, "/login", new()
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
            ["ReturnUrl"] = "",
        }, headers);
    }

    private void Keep(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        foreach (var header in values)
        {
            var pair = header.Split(';', 2)[0];
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (pair[..at], pair[(at + 1)..]);
            if (value.Length == 0)
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }
    }
}
