using OneOff.Jobs.Cli;
using OneOff.Jobs.Training;

if (args.Length > 0 && args[0] is "sweep" or "train")
{
    KernelWarmup.Start();
}

var console = new CliConsole(Console.Out, Console.Error, Interactive: !Console.IsErrorRedirected);
return await JobCli.RunAsync(args, console, TimeProvider.System).ConfigureAwait(false);
