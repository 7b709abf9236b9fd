using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Components;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>
/// Inside a circuit only the router's <c>AuthorizeRouteView</c> guards a page, and it reads the page's own
/// attributes (the endpoint fallback policy does not apply there): every routable page says who may see it.
/// </summary>
public sealed class PageAuthorizationTests
{
    private static readonly string[] s_anonymous = ["/login", "/login/two-factor", "/error"];

    public static TheoryData<string> Pages() =>
        [.. typeof(App).Assembly.GetTypes().Where(t => t.GetCustomAttributes<RouteAttribute>().Any()).Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_CarriesItsOwnAuthorization(string typeName)
    {
        var page = typeof(App).Assembly.GetType(typeName)!;
        var routes = page.GetCustomAttributes<RouteAttribute>().Select(r => r.Template).ToList();

        if (routes.Any(s_anonymous.Contains))
        {
            Assert.NotNull(page.GetCustomAttribute<AllowAnonymousAttribute>());
        }
        else
        {
            Assert.NotNull(page.GetCustomAttribute<AuthorizeAttribute>());
            Assert.Null(page.GetCustomAttribute<AllowAnonymousAttribute>());
        }
    }

    [Fact]
    public void Pages_AreFound()
    {
        Assert.True(Pages().Count >= 8);
    }
}
