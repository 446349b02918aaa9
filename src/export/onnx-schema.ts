/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 10) that churnscope writes, as a
 * protobufjs JSON descriptor: field names and numbers are onnx.proto's own, so protobufjs does
 * the wire encoding and any ONNX reader (onnxruntime, onnx, Spark or Flink via ORT Java) reads it.
 * Messages and fields churnscope never writes are left out; readers skip unknown fields anyway.
 */
import protobuf from 'protobufjs/light.js';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

// proto2 leaves repeated scalars unpacked unless onnx.proto says [packed = true]; mirror it exactly.
const packed = { packed: true };
const unpacked = { packed: false };

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            model_version: { type: 'int64', id: 5 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            doc_string: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            doc_string: { type: 'string', id: 6 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7, options: unpacked },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: unpacked },
            doc_string: { type: 'string', id: 13 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: unpacked },
            data_type: { type: 'int32', id: 2 },
            float_data: { rule: 'repeated', type: 'float', id: 4, options: packed },
            int32_data: { rule: 'repeated', type: 'int32', id: 5, options: packed },
            int64_data: { rule: 'repeated', type: 'int64', id: 7, options: packed },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
            double_data: { rule: 'repeated', type: 'double', id: 10, options: packed },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            doc_string: { type: 'string', id: 3 },
          },
        },
        TypeProto: {
          fields: {
            tensor_type: { type: 'TensorTypeProto', id: 1 },
          },
        },
        // TypeProto.Tensor in onnx.proto; a nested message's name is not on the wire.
        TensorTypeProto: {
          fields: {
            elem_type: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'DimensionProto', id: 1 },
          },
        },
        // TensorShapeProto.Dimension: oneof value { dim_value = 1; dim_param = 2 }.
        DimensionProto: {
          oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
          fields: {
            dim_value: { type: 'int64', id: 1 },
            dim_param: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** The ModelProto message type, for encoding (and decoding, in tests). */
export const ModelProtoType = root.lookupType('onnx.ModelProto');

// Plain-object shapes of the messages above, as `ModelProtoType.fromObject` accepts them.
export interface Tensor {
  name?: string;
  dims: number[];
  data_type: number;
  double_data?: number[];
  float_data?: number[];
  int64_data?: number[];
  raw_data?: Uint8Array;
}

export interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Tensor;
  floats?: number[];
  ints?: number[];
}

export interface Node {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: Attribute[];
  doc_string?: string;
}

export type Dim = { dim_value: number } | { dim_param: string };

export interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: Dim[] } } };
  doc_string?: string;
}

export interface Graph {
  name: string;
  node: Node[];
  initializer: Tensor[];
  input: ValueInfo[];
  output: ValueInfo[];
  doc_string?: string;
}

export interface Model {
  ir_version: number;
  producer_name: string;
  producer_version?: string;
  domain: string;
  model_version: number;
  doc_string: string;
  graph: Graph;
  opset_import: { domain: string; version: number }[];
  metadata_props: { key: string; value: string }[];
}

/** Serialises a model to ONNX's binary protobuf form. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProtoType.fromObject(model);
  const problem = ModelProtoType.verify(message);
  // verify() returns null or a reason; a reason here is a bug in the graph builder, not user input.
  if (problem !== null) throw new Error(`internal error: invalid ONNX model message: ${problem}`);
  return ModelProtoType.encode(message).finish();
}

/** Whether `bytes` are an ONNX model churnscope wrote (its producer name), for replacing a previous export only. */
export function isChurnscopeOnnx(bytes: Uint8Array): boolean {
  try {
    return (ModelProtoType.toObject(ModelProtoType.decode(bytes)) as { producer_name?: unknown }).producer_name === 'churnscope';
  } catch {
    return false;
  }
}
