using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ActiveIT.Grains.Curriculum;

/// <summary>Follows one curriculum grain through an Orleans observer: each change arrives as it is written.</summary>
internal static class ExperimentWatch
{
    private sealed class Observer : IExperimentObserver
    {
        public Channel<Experiment> Changes { get; } = Channel.CreateBounded<Experiment>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });

        public void Changed(Experiment experiment) => Changes.Writer.TryWrite(experiment);
    }

    public static async IAsyncEnumerable<Experiment> FollowAsync(IGrainFactory grains, ICurriculumGrain grain, TimeSpan interval,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var observer = new Observer();
        var reference = grains.CreateObjectReference<IExperimentObserver>(observer);
        try
        {
            await grain.SubscribeAsync(reference);
            var renewed = DateTime.UtcNow;
            if (await grain.GetAsync() is not { } current)
            {
                yield break;
            }
            yield return current;
            while (!cancellationToken.IsCancellationRequested)
            {
                Experiment? next;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    wait.CancelAfter(interval);
                    try
                    {
                        next = await observer.Changes.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        next = await grain.GetAsync();  // no notice within the interval: read it (a notice lost while the grain moved to another silo)
                        if (next is null)
                        {
                            yield break;
                        }
                    }
                }
                if (DateTime.UtcNow - renewed > ICurriculumGrain.SubscriptionLifetime / 3)
                {
                    await grain.SubscribeAsync(reference);
                    renewed = DateTime.UtcNow;
                }
                yield return next;
            }
        }
        finally
        {
            try
            {
                await grain.UnsubscribeAsync(reference);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // the subscription expires by itself
            }
            grains.DeleteObjectReference<IExperimentObserver>(reference);
        }
    }
}
