"""The trained part of the model: a BERT MLM head with the tied decoder, SPLADE pooling, and the losses."""

from __future__ import annotations

import torch
from torch import nn


class SpladeHead(nn.Module):
    """``logits = LayerNorm(GELU(h W^T + b)) E^T + bias`` with E the encoder's (frozen) word embeddings.

    The same layout as Hugging Face's ``BertForMaskedLM`` head (``cls.predictions``), so the C# library plugs it into
    the ONNX graph (``EmbeddedModelOptions.MlmHeadPath``) and Hugging Face tools can read it.
    An optional per-term query weight vector is the inference-free query encoder (see ``inference_free_queries``).
    Optional ``top_layers`` are trainable copies of the encoder's top layers: the hidden states given to ``pool`` are
    then the output of the layers below them, and those layers run before the head (``contextualize``).
    """

    def __init__(self, embeddings: torch.Tensor, inference_free: bool = False, excluded: torch.Tensor | None = None,
                 top_layers: nn.ModuleList | None = None, first_top_layer: int = 0):
        super().__init__()
        vocab, hidden = embeddings.shape
        self.register_buffer("embeddings", embeddings.detach().clone(), persistent=False)
        # Special and [unusedN] entries are never terms (the C# library drops them), so they get no weight here either.
        keep = torch.ones(vocab) if excluded is None else (~excluded).float()
        self.register_buffer("term_mask", keep, persistent=False)
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocab))
        self.query_weights = nn.Parameter(torch.zeros(vocab)) if inference_free else None
        self.top_layers = top_layers if top_layers is not None and len(top_layers) > 0 else None
        self.first_top_layer = first_top_layer  # the encoder layer the first of top_layers replaces

    @property
    def top_layer_count(self) -> int:
        return 0 if self.top_layers is None else len(self.top_layers)

    def contextualize(self, hidden: list[torch.Tensor]) -> list[torch.Tensor]:
        """Each text's states after the trainable top layers (float32); without top layers, the states themselves.

        Texts are padded into one batch; padded positions get no attention, as in the encoder."""
        if self.top_layers is None:
            return [h.float() for h in hidden]
        lengths = [h.shape[0] for h in hidden]
        x = torch.zeros(len(hidden), max(lengths), hidden[0].shape[1])
        mask = torch.zeros(len(hidden), max(lengths))
        for i, h in enumerate(hidden):
            x[i, : h.shape[0]] = h.float()
            mask[i, : h.shape[0]] = 1.0
        bias = (1.0 - mask[:, None, None, :]) * torch.finfo(x.dtype).min
        for layer in self.top_layers:
            x = layer(x, bias)
        return [x[i, :n] for i, n in enumerate(lengths)]

    def transform(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.norm(nn.functional.gelu(self.dense(hidden)))

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Full [tokens, vocab] logits (for export and tests; training uses ``pool``)."""
        return self.transform(hidden) @ self.embeddings.T + self.bias

    def pool(self, hidden: list[torch.Tensor], skip: list[int] | None = None,
             keep: list[torch.Tensor] | None = None) -> torch.Tensor:
        """SPLADE weights [texts, vocab]: max over each text's tokens of log(1 + ReLU(logit)).

        ``skip[i]`` leading tokens of text i take part in the top layers' attention but not in the pooling; so do the
        tokens where the bool mask ``keep[i]`` is false (the model folders leave [UNK] positions out this way)."""
        states = self.contextualize(hidden)
        if keep is not None:
            states = [s[k] for s, k in zip(states, keep)]
        if skip is not None:
            states = [s[k:] if 0 < k < s.shape[0] - 1 else s for s, k in zip(states, skip)]
        lengths = [h.shape[0] for h in states]
        transformed = self.transform(torch.cat(states))
        pooled = MaxPooledLogits.apply(transformed, self.embeddings, self.bias, lengths)
        return torch.log1p(torch.relu(pooled)) * self.term_mask

    def inference_free_queries(self, token_ids: list[torch.Tensor], special: torch.Tensor) -> torch.Tensor:
        """Query weights without the encoder: each distinct non-special word piece gets ReLU(query_weights[id])."""
        if self.query_weights is None:
            raise RuntimeError("this head was built without inference-free query weights")
        mask = torch.zeros(len(token_ids), self.bias.shape[0], dtype=torch.bool)
        for i, ids in enumerate(token_ids):
            unique = torch.unique(ids.long())
            mask[i, unique[~special[unique]]] = True
        return torch.relu(self.query_weights).unsqueeze(0) * mask


class MaxPooledLogits(torch.autograd.Function):
    """Max over each text's tokens of ``transformed @ E^T + bias``, with a sparse backward pass.

    Hand-written because autograd would keep every [tokens, vocab] logit matrix (gigabytes per batch) for a max whose
    gradient reaches only one token per (text, term). The forward pass computes the logits text by text and keeps
    only the winning token; the backward pass sends each nonzero output gradient to that token: exact, and it costs
    one gather per nonzero term instead of a second [tokens, vocab] product.
    """

    @staticmethod
    def forward(ctx, transformed: torch.Tensor, embeddings: torch.Tensor, bias: torch.Tensor, lengths: list[int]):
        values = torch.empty(len(lengths), embeddings.shape[0])
        winners = torch.empty(len(lengths), embeddings.shape[0], dtype=torch.int64)
        start = 0
        with torch.no_grad():
            for i, n in enumerate(lengths):
                if n == 0:
                    raise ValueError("a text has no tokens to pool")
                logits = torch.addmm(bias, transformed[start:start + n], embeddings.T)
                v, w = logits.max(0)
                values[i] = v
                winners[i] = w + start
                start += n
        ctx.save_for_backward(transformed, embeddings, winners)
        return values

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        transformed, embeddings, winners = ctx.saved_tensors
        grad_transformed = torch.zeros_like(transformed)
        rows, terms = grad.nonzero(as_tuple=True)
        if rows.numel():
            g = grad[rows, terms].unsqueeze(1)
            grad_transformed.index_add_(0, winners[rows, terms], g * embeddings[terms])
        return grad_transformed, None, grad.sum(0), None


def flops(weights: torch.Tensor) -> torch.Tensor:
    """The FLOPS regularizer (Paria et al. 2020): sum over terms of the squared mean weight in the batch."""
    return (weights.abs().mean(0) ** 2).sum()


def contrastive_loss(queries: torch.Tensor, docs: torch.Tensor, positives: torch.Tensor,
                     false_negatives: torch.Tensor | None = None) -> torch.Tensor:
    """Cross-entropy over dot products with every document in the batch (in-batch plus hard negatives).

    ``positives[i]`` is the column of query i's positive; ``false_negatives[i, j]`` marks other documents also judged
    relevant to query i, which are removed from its softmax rather than pushed away.
    """
    scores = queries @ docs.T
    if false_negatives is not None:
        scores = scores.masked_fill(false_negatives, float("-inf"))
    return nn.functional.cross_entropy(scores, positives)


def lambda_at(step: int, target: float, warmup_steps: int) -> float:
    """Quadratic warm-up of a FLOPS lambda (SPLADE): target * min(1, (step / warmup)^2)."""
    if warmup_steps <= 0:
        return target
    return target * min(1.0, (step / warmup_steps) ** 2)
