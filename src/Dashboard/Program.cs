using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Health;
using OneOff.Dashboard.Smoke;

if (args is [HealthProbe.Verb, ..])
{
    return await HealthProbe.RunAsync(args[1..], Environment.GetEnvironmentVariable, Console.Out);
}

if (args is [PasswordResetVerb.Verb, ..])
{
    return await PasswordResetVerb.RunAsync(args[1..], Console.Out, Console.Error);
}

if (args is [SmokeVerb.Verb, ..])
{
    return await SmokeVerb.RunAsync(args[1..], Console.Out, Console.Error, Environment.GetEnvironmentVariable);
}

// The app's own files (wwwroot, appsettings.json, the job) are found from its install folder wherever it is
// started; only OneOff:DataRoot is relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddOneOffDashboard();

var app = builder.Build();
app.MapOneOff();

return await app.RunOneOffAsync();
