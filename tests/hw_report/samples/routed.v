module t (in_i, out_o);

input in_i;
output out_o;

NOR2X1 NOR2X1_1 ( .A(in_i), .B(in_i), .Y(_436_) );
NAND2X1 NAND2X1_1 ( .A(_436_), .B(in_i), .Y(_7_) );
INVX1 INVX1_1 ( .A(_436_), .Y(_8_) );
BUFX2 BUFX2_1 ( .A(_436_), .Y(_9_) );
assign out_o = _9_;

endmodule
