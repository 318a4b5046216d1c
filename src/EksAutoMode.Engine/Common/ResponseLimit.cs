namespace EksAutoMode.Engine;

/// <summary>Thrown while reading a response body that exceeds the cap of the client that reads it.</summary>
internal sealed class ResponseTooLargeException : IOException
{
    internal ResponseTooLargeException(long limit) : base($"The response is larger than {limit} bytes.") => Limit = limit;

    internal long Limit { get; }
}

/// <summary>
/// Caps every response body of an HttpClient: refused up front when Content-Length says so, else while it is read
/// (chunked lists). Used by the Kubernetes client and by AWSSDK.EC2, whose bodies we do not read ourselves.
/// </summary>
internal sealed class ResponseLimitHandler : DelegatingHandler
{
    private readonly long _limit;

    internal ResponseLimitHandler(long limit) => _limit = limit;

    internal ResponseLimitHandler(long limit, HttpMessageHandler inner) : base(inner) => _limit = limit;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is long announced && announced > _limit)
        {
            response.Dispose();
            throw new HttpRequestException("The response is too large.", new ResponseTooLargeException(_limit));
        }

        var limited = new StreamContent(new LimitedStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limit));
        foreach (var header in response.Content.Headers)
        {
            limited.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = limited;
        return response;
    }

    private sealed class LimitedStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _limit;
        private long _read;

        internal LimitedStream(Stream inner, long limit)
        {
            _inner = inner;
            _limit = limit;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > _limit)
            {
                throw new ResponseTooLargeException(_limit);
            }

            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
