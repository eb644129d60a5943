using System.Runtime.InteropServices;
using ExposureApi.Cli;

// Ctrl-C and SIGTERM cancel cleanly: a load rolls back, a hash job leaves its checkpoint. A second Ctrl-C kills.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return await ExposureCli.RunAsync(args, cancellationToken: cancellation.Token);
