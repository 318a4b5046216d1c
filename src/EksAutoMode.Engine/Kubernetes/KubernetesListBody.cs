using System.Buffers;
using System.Text.Json;

namespace EksAutoMode.Engine.Kubernetes;

/// <summary>
/// Reads one Kubernetes list response (<c>{"kind":…,"metadata":{…},"items":[…]}</c>) from its stream item by item
/// with <see cref="Utf8JsonReader"/>, so a page of 5,000 pods is never held as one document: only the bytes of the
/// item being read (and whatever arrived with it) are in memory. Each item is a small <see cref="JsonDocument"/>
/// over the read buffer, valid until the next call to <see cref="NextAsync"/>. The list's <c>metadata</c>
/// (continue token, remainingItemCount) is read wherever it appears.
/// </summary>
internal sealed class KubernetesListBody : IDisposable
{
    private enum Step { Item, NeedMore, End }

    private enum Property { None, Items, Metadata, Other }

    private readonly Stream _stream;
    private readonly TimeSpan _idleTimeout;
    private byte[] _buffer;
    private int _start, _filled;
    private bool _eof;
    private JsonReaderState _state;
    private Property _property;
    private bool _inItems, _ended;
    private JsonDocument? _current;

    internal KubernetesListBody(Stream stream, TimeSpan idleTimeout)
    {
        _stream = stream;
        _idleTimeout = idleTimeout;
        _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    }

    /// <summary><c>metadata.continue</c> (null or empty on the last page). Complete once <see cref="NextAsync"/> returned null.</summary>
    internal string? Continue { get; private set; }

    /// <summary><c>metadata.remainingItemCount</c>, when the server gave it.</summary>
    internal long? RemainingItemCount { get; private set; }

    /// <summary>
    /// The next item, or null at the end of the list. Throws <see cref="JsonException"/> for a body that is not a
    /// complete list, <see cref="IOException"/> for a broken stream and <see cref="TimeoutException"/> when no data
    /// arrives within the idle timeout.
    /// </summary>
    internal async Task<JsonDocument?> NextAsync(CancellationToken cancellationToken)
    {
        _current?.Dispose();
        _current = null;
        while (true)
        {
            switch (Scan(out int itemStart, out int itemLength))
            {
                case Step.Item:
                    _current = JsonDocument.Parse(_buffer.AsMemory(itemStart, itemLength));
                    return _current;
                case Step.End:
                    return null;
                default:
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Reads tokens from the buffered bytes until an item is complete, more bytes are needed, or the list ends.</summary>
    private Step Scan(out int itemStart, out int itemLength)
    {
        itemStart = itemLength = 0;
        if (_ended)
        {
            return Step.End;
        }

        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _filled - _start), _eof, _state);
        long committed = 0;
        JsonReaderState committedState = _state;
        Step result = Step.NeedMore;
        while (true)
        {
            if (!reader.Read())
            {
                break; // incomplete token: keep what was committed, read more
            }

            int depth = reader.CurrentDepth;
            JsonTokenType token = reader.TokenType;
            if (depth == 0)
            {
                if (token == JsonTokenType.StartObject)
                {
                    Commit(ref reader, ref committed, ref committedState);
                    continue;
                }

                if (token == JsonTokenType.EndObject)
                {
                    Commit(ref reader, ref committed, ref committedState);
                    _ended = true;
                    result = Step.End;
                    break;
                }

                throw new JsonException("A Kubernetes list response is a JSON object.");
            }

            if (depth == 1 && token == JsonTokenType.PropertyName)
            {
                _property = reader.ValueTextEquals("items"u8) ? Property.Items : reader.ValueTextEquals("metadata"u8) ? Property.Metadata : Property.Other;
                Commit(ref reader, ref committed, ref committedState);
                continue;
            }

            if (depth == 1 && _property == Property.Items && token == JsonTokenType.StartArray)
            {
                _inItems = true;
                Commit(ref reader, ref committed, ref committedState);
                continue;
            }

            if (depth == 1 && _inItems && token == JsonTokenType.EndArray)
            {
                _inItems = false;
                _property = Property.None;
                Commit(ref reader, ref committed, ref committedState);
                continue;
            }

            // A value that must be complete before it is used or skipped: an item, the list metadata, anything else.
            int tokenStart = (int)reader.TokenStartIndex;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                break; // the value is not all here yet: resume before it once more bytes arrive
            }

            int length = (int)reader.BytesConsumed - tokenStart;
            Commit(ref reader, ref committed, ref committedState);
            if (depth == 2 && _inItems && token == JsonTokenType.StartObject)
            {
                itemStart = _start - (int)committed + tokenStart; // _start already moved past the item
                itemLength = length;
                result = Step.Item;
                break;
            }

            if (depth == 1 && _property == Property.Metadata && token == JsonTokenType.StartObject)
            {
                ReadMetadata(_buffer.AsMemory(_start - (int)committed + tokenStart, length));
            }
        }

        if (result == Step.NeedMore && _eof)
        {
            throw new JsonException("The list response ended before the list was complete.");
        }

        return result;

        void Commit(ref Utf8JsonReader r, ref long done, ref JsonReaderState state)
        {
            _start += (int)(r.BytesConsumed - done);
            done = r.BytesConsumed;
            state = r.CurrentState;
            _state = state;
        }
    }

    private void ReadMetadata(ReadOnlyMemory<byte> json)
    {
        using JsonDocument meta = JsonDocument.Parse(json);
        JsonElement root = meta.RootElement;
        if (root.TryGetProperty("continue", out JsonElement c) && c.ValueKind == JsonValueKind.String)
        {
            Continue = c.GetString();
        }

        if (root.TryGetProperty("remainingItemCount", out JsonElement r) && r.TryGetInt64(out long remaining))
        {
            RemainingItemCount = remaining;
        }
    }

    /// <summary>Moves the unread bytes to the front (growing the buffer when one value fills it) and reads more.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _filled - _start);
            _filled -= _start;
            _start = 0;
        }

        if (_filled == _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _filled);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_idleTimeout);
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_filled), idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data within {_idleTimeout.TotalSeconds:0} s.");
        }

        _filled += read;
        _eof = read == 0;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
        }
    }
}
