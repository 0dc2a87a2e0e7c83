# Independent password vectors for goats' OTRS password forms.
# Run: pip install bcrypt==4.2.1 && python3 password_vectors.py  (uses crypt(3) from glibc and openssl passwd)
import hashlib, crypt, bcrypt, subprocess
pw = "Goats-Passw0rd!"
print("sha256", hashlib.sha256(pw.encode()).hexdigest())
print("sha1", hashlib.sha1(pw.encode()).hexdigest())
print("sha512", hashlib.sha512(pw.encode()).hexdigest())
print("des", crypt.crypt(pw, "ab"))
print("md5", subprocess.check_output(["openssl","passwd","-1","-salt","agent","Goats-Passw0rd!"]).decode().strip())
print("apr1", subprocess.check_output(["openssl","passwd","-apr1","-salt","agent","Goats-Passw0rd!"]).decode().strip())
# OTRS BCRYPT:cost:salt:hash = bcrypt over pw+NUL with the 16 raw salt bytes; the standard
# $2b$ form encodes the same salt in bcrypt-base64 and its last 31 chars are the 23-byte hash.
alpha = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def b64(data):
    out=""; bits=0; n=0
    for byte in data:
        bits=(bits<<8)|byte; n+=8
        while n>=6:
            n-=6; out+=alpha[(bits>>n)&63]
    if n: out+=alpha[(bits<<(6-n))&63]
    return out
salt = "0123456789abcdef"
cost = 5
full = bcrypt.hashpw(pw.encode(), ("$2b$%02d$" % cost + b64(salt.encode())[:22]).encode()).decode()
print("bcrypt", "BCRYPT:%d:%s:%s" % (cost, salt, full[-31:]))
