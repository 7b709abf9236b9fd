using OneOff.Jobs.Cli;

var console = new CliConsole(Console.Out, Console.Error, Interactive: !Console.IsErrorRedirected);
return await JobCli.RunAsync(args, console, TimeProvider.System).ConfigureAwait(false);
