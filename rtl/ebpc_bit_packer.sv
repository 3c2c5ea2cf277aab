// MSB-first bit packer: appends one variable-length field (0..IN_MAX bits, MSB-aligned in
// in_data_i, bits below the field zero) per handshake and emits NWORDS W-bit words per
// output handshake. in_last_i marks the stream's final field: the packer then emits what is
// left, padded with 0 bits to whole W-bit words, flags the final handshake with out_last_o
// (out_full_o low when only the first of the NWORDS words is a stream word), and takes no
// new field until that final handshake. in_ready_o depends on registers only.
// A stream whose fields are all empty has no output handshake at all.
module ebpc_bit_packer #(
  parameter int W = 8,
  parameter int NWORDS = 1,
  parameter int IN_MAX = 8,
  localparam int LENW = ebpc_pkg::clog2(IN_MAX + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  in_valid_i,
  output logic                  in_ready_o,
  input  logic [IN_MAX-1:0]     in_data_i,
  input  logic [LENW-1:0]       in_len_i,
  input  logic                  in_last_i,
  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [NWORDS*W-1:0]   out_data_o,
  output logic                  out_full_o,
  output logic                  out_last_o
);
  localparam int OW = NWORDS * W;
  localparam int A = 2 * OW + IN_MAX;  // register bits
  localparam int FW = ebpc_pkg::clog2(A + 1);

  logic [A-1:0] acc_q, acc_a, acc_d;
  logic [FW-1:0] fill_q, fill_a, fill_d;
  logic ended_q, ended_d;
  logic out_fire, in_fire;

  // A full output word waits until a bit after it arrives or the stream ends, so that the
  // final word can always be flagged last (even when the last field is empty and the stream
  // ends on a word boundary: the case that hangs the published encoder).
  assign out_valid_o = (fill_q > FW'(OW)) || (ended_q && fill_q != '0);
  assign out_last_o = ended_q && fill_q <= FW'(OW);
  assign out_full_o = !ended_q || fill_q > FW'(OW - W);
  assign out_data_o = acc_q[A-1 -: OW];
  assign in_ready_o = !ended_q && fill_q <= FW'(A - IN_MAX);
  assign out_fire = out_valid_o && out_ready_i;
  assign in_fire = in_valid_i && in_ready_o;

  always_comb begin
    acc_a = acc_q;
    fill_a = fill_q;
    if (out_fire) begin
      acc_a = acc_q << OW;
      fill_a = fill_q >= FW'(OW) ? fill_q - FW'(OW) : '0;
    end
    acc_d = acc_a;
    fill_d = fill_a;
    ended_d = ended_q;
    if (out_fire && out_last_o) begin
      ended_d = 1'b0;
    end
    if (in_fire) begin
      acc_d = acc_a | ({in_data_i, {(A - IN_MAX){1'b0}}} >> fill_a);
      fill_d = fill_a + FW'(in_len_i);
      ended_d = in_last_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      acc_q <= '0;
      fill_q <= '0;
      ended_q <= 1'b0;
    end else begin
      acc_q <= acc_d;
      fill_q <= fill_d;
      ended_q <= ended_d;
    end
  end
endmodule
