namespace EksAutoMode.Engine;

/// <summary>Walks an exception and its inner exceptions (HTTP stacks and AWSSDK wrap the cause several levels deep).</summary>
internal static class ExceptionChain
{
    /// <summary>The exception and every inner exception, outermost first.</summary>
    internal static IEnumerable<Exception> Of(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain, or null.</summary>
    internal static T? Find<T>(Exception ex) where T : Exception => Of(ex).OfType<T>().FirstOrDefault();
}
