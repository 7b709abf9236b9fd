using OneOff.Dashboard.Configuration;

var builder = WebApplication.CreateBuilder(args);
builder.AddOneOffDashboard();

var app = builder.Build();
app.MapOneOff();

return await app.RunOneOffAsync();
